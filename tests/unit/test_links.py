"""The links `o` offers: enclosures, Atom links, and links in the body, web ones only."""

from __future__ import annotations

from dataclasses import replace

from tests.unit.store_factory import make_post
from xmppsocial.model import ContentType, Link
from xmppsocial.reading.links import web_links


def test_links_in_an_xhtml_body_are_offered_after_the_entry_links() -> None:
    body = ('<div xmlns="http://www.w3.org/1999/xhtml"><p>See <a href="https://a.example/x">'
            'the <b>report</b></a> and <a href="javascript:evil()">this</a>, or '
            '<a href="https://b.example/">https://b.example/</a>.</p></div>')
    post = replace(make_post(), body=body, body_type=ContentType.XHTML,
                   links=(Link("https://c.example/", "related", title="Related"),
                          Link("xmpp:alice@example.org?;node=x", "alternate")),
                   enclosures=(Link("https://a.example/x", "enclosure", "image/png"),))
    assert web_links(post) == [("image/png", "https://a.example/x"),
                               ("Related", "https://c.example/"),
                               ("https://b.example/", "https://b.example/")]


def test_urls_spelled_in_a_plain_body_are_offered() -> None:
    post = replace(make_post(), text="Read https://d.example/page, then (http://e.example)!",
                   body="", body_type=ContentType.TEXT)
    assert web_links(post) == [("link", "https://d.example/page"),
                               ("link", "http://e.example")]
    assert web_links(make_post(text="no links here")) == []
