"""Importing a 1,000-entry Atom feed vs publishing the same 1,000 items with bare slixmpp.

Both run against the same throwaway loopback Prosody (fast test settings) in this run;
ours is the real command (`xmppsocial import`, a fresh process), the baseline a bare
slixmpp script pipelining the same entries 16 at a time into a node made to keep them all,
as ours is. Each takes its turn onto a fresh account, five times; medians are printed.

    .venv/bin/python -m bench.import_feed [--entries 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.installed import byte_compile
from bench.network import PASSWORD, settings
from xmppsocial.localserver import XmppServer
from xmppsocial.xmpp.register import register_account

BARE = """
import asyncio, sys, xml.etree.ElementTree as ET, slixmpp, feedparser
from pathlib import Path
ATOM = "http://www.w3.org/2005/Atom"
async def main():
    feed = feedparser.parse(Path(sys.argv[6]).read_bytes())
    c = slixmpp.ClientXMPP(sys.argv[1], sys.argv[2])
    c.enable_direct_tls = False
    c.ca_certs = Path(sys.argv[5])
    c.register_plugin("xep_0060")
    done = asyncio.get_running_loop().create_future()
    c.add_event_handler("session_start", lambda e: done.set_result(None))
    c.connect(sys.argv[3], int(sys.argv[4]))
    await done
    # The same outcome as ours: a node that keeps all the items (an autocreated one would
    # keep the server's default number and drop the rest).
    form = c.plugin["xep_0004"].make_form("submit")
    form.add_field("FORM_TYPE", value="http://jabber.org/protocol/pubsub#node_config",
                   ftype="hidden")
    form.add_field("pubsub#max_items", value="max")
    await c.plugin["xep_0060"].create_node(sys.argv[1], "bare-bench", config=form)
    gate = asyncio.Semaphore(16)
    async def one(n, e):
        entry = ET.Element(f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = e.title
        ET.SubElement(entry, f"{{{ATOM}}}content", type="html").text = e.content[0].value
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = e.updated
        async with gate:
            await c.plugin["xep_0060"].publish(sys.argv[1], "bare-bench", id=f"e{n}",
                                               payload=entry)
    await asyncio.gather(*(one(n, e) for n, e in enumerate(feed.entries)))
    c.disconnect()
asyncio.run(main())
"""


def make_feed(path: Path, count: int) -> None:
    entries = []
    for n in range(count):
        entries.append(
            f"<entry><title>Entry number {n}</title><id>tag:bench.example,2026:{n}</id>"
            f"<updated>2026-10-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z"
            f"</updated><category term='bench'/><content type='html'>&lt;p&gt;Paragraph "
            f"&lt;em&gt;{n}&lt;/em&gt; of the benchmark feed, with a "
            f"&lt;a href='https://bench.example/{n}'&gt;link&lt;/a&gt;.&lt;/p&gt;</content>"
            "</entry>")
    path.write_text("<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005"
                    "/Atom'><title>Bench</title><id>tag:bench.example,2026:feed</id>"
                    "<updated>2026-10-02T00:00:00Z</updated>" + "".join(entries) + "</feed>")


def main() -> None:
    byte_compile()
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    count = args.entries
    work = Path(tempfile.mkdtemp())
    (work / "server").mkdir()
    server = XmppServer("prosody", work / "server", settings={"fast": "1"})
    server.start()
    try:
        feed = work / "bench.atom"
        make_feed(feed, count)
        env = {**os.environ, "XMPPSOCIAL_PASSWORD": PASSWORD,
               **{v: str(work / v.lower()) for v in ("XDG_CONFIG_HOME", "XDG_DATA_HOME",
                                                      "XDG_CACHE_HOME", "XDG_STATE_HOME")}}
        ours, baseline = [], []
        for n in range(args.repeat):  # in turn, each time onto a fresh account's empty blog
            importer, bare = settings(server, f"importer{n}"), settings(server, f"bare{n}")
            for account in (importer, bare):
                asyncio.run(register_account(account))
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "xmppsocial", "--jid", importer.jid,
                            "--server", f"{server.host}:{server.port}", "--ca-file",
                            str(server.cafile), "import", str(feed), "--access", "open"],
                           env=env, check=True, capture_output=True)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", BARE, bare.jid, PASSWORD, server.host,
                            str(server.port), str(server.cafile), str(feed)], env=env,
                           check=True, capture_output=True)
            baseline.append(time.perf_counter() - start)
        mine, theirs = statistics.median(ours), statistics.median(baseline)
        print(f"import of a {count:,}-entry feed: {mine:.2f} s; bare slixmpp publish of the "
              f"same entries: {theirs:.2f} s; ratio {mine / theirs:.2f}x "
              f"(medians of {args.repeat})")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
