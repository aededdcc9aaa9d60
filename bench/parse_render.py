"""How many typical 2 KB entries per second xmppsocial reads and renders.

Baseline, measured in the same run: the bare ``ElementTree.fromstring`` of the
same bytes (the floor: the XML has to be parsed anyway).

    .venv/bin/python -m bench.parse_render [--seconds 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import xml.etree.ElementTree as ET

from xmppsocial.content.microblog import parse_entry
from xmppsocial.content.render import render_post

PARAGRAPH = ("Spent the morning on the terrace with <em>coffee</em> and a <strong>stack</strong> "
             "of seed catalogues; the <a href='https://seeds.example/t'>tomato shop</a> is open. ")
ENTRY = f"""<entry xmlns="http://www.w3.org/2005/Atom">
<id>terrace-morning-aB3dE9</id><title>A morning on the terrace</title>
<author><name>Juliet</name><uri>xmpp:juliet@capulet.example</uri></author>
<link rel="alternate" href="xmpp:juliet@capulet.example?;node=urn:xmpp:microblog:0;item=t"/>
<link rel="replies" title="comments" href="xmpp:juliet@capulet.example?;node=urn%3Axmpp%3Amicroblog%3A0%3Acomments%2Ft"/>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>{PARAGRAPH * 4}</p><ul><li>one</li><li>two</li></ul><p>{PARAGRAPH}</p></div></content>
<content type="text">{"Spent the morning on the terrace with coffee. " * 12}</content>
<published>2026-09-01T10:00:00Z</published><updated>2026-09-01T10:00:00Z</updated>
<category term="garden"/><category term="morning"/>
</entry>""".encode()


def rate(work, seconds: float) -> float:
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(100):
            work()
        count += 100
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    seconds = parser.parse_args().seconds
    args = ("juliet@capulet.example", "urn:xmpp:microblog:0", "terrace-morning-aB3dE9")
    post = parse_entry(ENTRY, *args)

    def ours() -> None:
        render_post(parse_entry(ENTRY, *args))

    baseline = rate(lambda: ET.fromstring(ENTRY), seconds)
    parse_only = rate(lambda: parse_entry(ENTRY, *args), seconds)
    render_only = rate(lambda: render_post(post), seconds)
    measured = rate(ours, seconds)
    print(f"python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} CPUs; entry size: {len(ENTRY):,} bytes")
    print(f"baseline  ET.fromstring:           {baseline:10,.0f} entries/s")
    print(f"parse_entry alone:                 {parse_only:10,.0f} entries/s")
    print(f"render_post alone:                 {render_only:10,.0f} entries/s")
    print(f"xmppsocial parse_entry + render:   {measured:10,.0f} entries/s"
          f"  ({1e6 / measured:,.0f} µs each)")
    print(f"ratio (baseline / ours):           {baseline / measured:10.1f}x")


if __name__ == "__main__":
    main()
