"""The text twin we publish next to the XHTML reads like plain text, not like Markdown."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from xmppsocial.content.compose import comment, edited, new_post, render_markdown
from xmppsocial.content.entry_writer import build_entry
from xmppsocial.content.microblog import parse_entry
from xmppsocial.content.twin import twin_text
from xmppsocial.content.xhtml import from_html
from xmppsocial.model import NodeRef

ATOM = "{http://www.w3.org/2005/Atom}"
ME = "juliet@capulet.example"


def twin(markdown: str) -> str:
    return render_markdown(markdown).text


def published_text(post) -> str:
    entry = build_entry(post)
    [text] = [c for c in entry.findall(f"{ATOM}content") if c.get("type") == "text"]
    return text.text or ""


def test_emphasis_markers_are_dropped_and_links_read_text_then_url() -> None:
    assert twin("Some **bold**, *em*, ~~gone~~ and `code`, a [link](https://x.example/a).") \
        == "Some bold, em, gone and code, a link <https://x.example/a>."


def test_a_bare_url_is_written_once() -> None:
    assert twin("see https://x.example/b today") == "see https://x.example/b today"


def test_paragraphs_lists_quotes_and_code_keep_their_shape() -> None:
    source = ("# Title\n\nFirst para\nsame para.\n\n- one\n- two\n  - inner\n\n"
              "3. three\n4. four\n\n> quoted *words*\n>\n> again\n\n```\ncode  block\n```\n\n"
              "---\n\nend  \nline")
    assert twin(source) == (
        "Title\n\nFirst para same para.\n\n- one\n- two\n  - inner\n\n3. three\n4. four\n\n"
        "> quoted words\n>\n> again\n\ncode  block\n\n* * *\n\nend\nline")


def test_tables_and_images_in_imported_html() -> None:
    div = from_html("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
                    "<p><img src='https://x.example/p.png' alt='a pear'/> and <img src='y.png'/></p>")
    assert twin_text(div) == "a | b\n1 | 2\n\na pear <https://x.example/p.png> and <y.png>"


def test_the_published_twin_is_readable_and_the_xhtml_unchanged() -> None:
    source = "Hello **world**, see [the docs](https://docs.example/)"
    post = new_post(service=ME, author_name="Juliet", markdown=source, title="Hi")
    assert published_text(post) == "Hello world, see the docs <https://docs.example/>"
    assert post.body == render_markdown(source).xhtml
    div = ET.fromstring(post.body)
    assert div.find(".//{http://www.w3.org/1999/xhtml}strong").text == "world"
    back = parse_entry(build_entry(post), service=ME, node=post.node, item_id=post.item_id)
    assert back.text == "Hello world, see the docs <https://docs.example/>"


def test_comments_and_edits_publish_the_readable_twin_too() -> None:
    parent = new_post(service=ME, author_name="Juliet", markdown="x", title="Hi",
                      comments=NodeRef("pubsub.capulet.example", "c"))
    note = comment(parent, service=ME, author_name="Juliet", markdown="**yes** [a](https://a.example/)")
    assert published_text(note) == "yes a <https://a.example/>"
    again = edited(parent, markdown="now *with* emphasis")
    assert published_text(again) == "now with emphasis"


@pytest.mark.parametrize("source", ["", "   ", "\n\n"])
def test_empty_bodies_have_an_empty_twin(source: str) -> None:
    assert twin(source) == ""
