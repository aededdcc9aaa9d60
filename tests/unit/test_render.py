"""Post bodies as terminal text: structure kept, styles as spans, nothing interpreted."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from rich.text import Text

from xmppsocial.content.render import (
    plain_post,
    render_line,
    render_post,
    render_text,
    render_xhtml,
)
from xmppsocial.content.sanitize import clean_line, clean_name, clean_text, is_safe
from xmppsocial.content.xhtml import from_html
from xmppsocial.model import ContentType, Post

WHEN = datetime(2026, 9, 1, tzinfo=UTC)


def post(body: str, body_type: ContentType, text: str = "") -> Post:
    return Post("a@b.example", "urn:xmpp:microblog:0", "item-1", "t", WHEN, WHEN, body=body,
                body_type=body_type, text=text)


def styles_of(text: Text) -> dict[str, str]:
    return {text.plain[s.start:s.end]: str(s.style) for s in text.spans}


def test_structure_and_styles() -> None:
    text = render_xhtml(from_html(
        "<h2>Title</h2><p>Some <em>em</em> and <code>code</code>.</p>"
        "<blockquote><p>quoted</p></blockquote><ol start='3'><li>three</li><li>four</li></ol>"
        "<pre>line 1\n  line 2</pre><p><img src='https://x.example/a.png' alt='a cat'></p>"))
    assert text.plain == ("Title\n\nSome em and code.\n\n▌ quoted\n\n3. three\n4. four\n\n"
                          "line 1\n  line 2\n\n[image: a cat] <https://x.example/a.png>")
    styles = styles_of(text)
    assert styles["em"] == "italic" and styles["code"] == "reverse" and styles["Title"] == "bold"
    assert styles["[image: a cat]"] == "bold"


def test_links_show_their_targets_unless_the_text_is_the_target() -> None:
    text = render_xhtml(from_html("<p><a href='https://a.example/x'>here</a>, "
                                  "<a href='https://b.example/'>https://b.example/</a>, "
                                  "<a href='xmpp:juliet@capulet.example'>Juliet</a></p>"))
    assert text.plain == ("here <https://a.example/x>, https://b.example/, "
                          "Juliet <xmpp:juliet@capulet.example>")
    assert styles_of(text)["here"] == "underline"


def test_nested_lists_tables_and_whitespace() -> None:
    text = render_xhtml(from_html(
        "<ul>\n  <li>one\n<ul><li>inner</li></ul></li>\n  <li>two   words</li>\n</ul>"
        "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table><hr>end"))
    assert text.plain == "• one\n  • inner\n• two words\n\na │ b\n1 │ 2\n\n────────────────────\n\nend"


def test_markup_lookalikes_stay_literal() -> None:
    for text in (render_text("[b]not bold[/b] [link=x]y[/link] :smile: [@click=app.quit]q[/]"),
                 render_line("[red]name[/red]")):
        assert "[" in text.plain and not text.spans
    assert render_text("[b]x[/b] :smile:").plain == "[b]x[/b] :smile:"


def test_escape_sequences_in_xhtml_text_and_attributes_are_removed() -> None:
    # XML cannot carry C0 controls, but a tree built in memory (or C1 in XML) can.
    x = "{http://www.w3.org/1999/xhtml}"
    div = ET.Element(f"{x}div")
    ET.SubElement(div, f"{x}p").text = ("a\x1b]8;;https://evil.example\x07b\u202ec\u2066d"
                                        "\x9b31me")
    ET.SubElement(div, f"{x}a", href="https://x.example/\x1b[2J").text = "l\x07"
    shown = render_xhtml(div).plain
    assert is_safe(shown) and "\x1b" not in shown and "evil" not in shown
    assert shown.startswith("abcde")


def test_names_lose_bidi_and_invisible_characters() -> None:
    assert clean_name("\u202eevil\u200b name\u2066\u3164\U000e0041") == "evil name"
    assert clean_line("a\x1b[31mred\x1b[0m\x07") == "ared"
    assert clean_line("x" * 100, 10) == "x" * 9 + "…"
    assert clean_text("a\u2028b\r\nc\rd\x85e") == "a\nb\nc\nde"
    assert render_line("Juliet\u202e\x1b[5m", 10, "bold").plain == "Juliet"


def test_render_post_picks_the_body_and_falls_back_to_text() -> None:
    xhtml = "<div xmlns='http://www.w3.org/1999/xhtml'><p><b>x</b></p></div>"
    assert render_post(post(xhtml, ContentType.XHTML)).plain == "x"
    assert render_post(post("<p>a<br>b</p><script>s()</script>", ContentType.HTML)).plain == "a\nb"
    assert render_post(post("<b>just text</b>", ContentType.TEXT)).plain == "<b>just text</b>"
    # A broken stored body is read as HTML rather than crash the pane.
    assert render_post(post("<p>unclosed <em>x", ContentType.XHTML)).plain == "unclosed x"
    assert render_post(post("", ContentType.XHTML, text="twin")).plain == "twin"
    # A hand-built, never-sanitised body: scripts and javascript: targets are not shown.
    raw = ("<div xmlns='http://www.w3.org/1999/xhtml'><p>a <a href='javascript:x()'>j</a></p>"
           "<script>evil()</script><style>p{}</style><!-- hidden -->b</div>")
    assert render_post(post(raw, ContentType.XHTML)).plain == "a j\n\nb"


def test_plain_text_is_what_the_styled_body_shows() -> None:
    """The CLI prints plain_post; the TUI draws render_post: both must say the same."""
    cases = [
        post("<p>Some <em>em</em>, <a href='https://a.example/'>a link</a></p><ul><li>one"
             "<li>two</ul><blockquote>quoted</blockquote><pre>  code\n   kept  </pre>",
             ContentType.HTML),
        post("<div xmlns='http://www.w3.org/1999/xhtml'><p><b>x</b></p>  \n </div>",
             ContentType.XHTML),
        post("<p>" + "<b>word</b> " * 30_000 + "</p>", ContentType.HTML),  # cut, with a note
        post("plain   text \n", ContentType.TEXT),
        post("", ContentType.XHTML, text="twin"),
    ]
    for case in cases:
        styled = render_post(case)
        assert plain_post(case) == styled.plain
    assert any(span.style == "italic" for span in render_post(cases[0]).spans)
    assert plain_post(cases[2]).endswith("more characters]")


def test_huge_bodies_are_cut_with_a_visible_note() -> None:
    html = "<p>" + "<b>word</b> " * 100_000 + "</p>" + "<p>para</p>" * 20_000
    text = render_xhtml(from_html(html))
    assert len(text.plain) < 110_000 and text.plain.endswith("more characters]")
    assert render_text("x" * 1_000_000).plain.endswith("more characters]")


def test_deep_nesting_renders_without_recursion() -> None:
    div = ET.Element("{http://www.w3.org/1999/xhtml}div")
    node = div
    for _ in range(20_000):
        node = ET.SubElement(node, "{http://www.w3.org/1999/xhtml}blockquote")
    node.text = "bottom"
    assert render_xhtml(div).plain.endswith("bottom")  # iterative even without sanitising


def test_comments_in_a_tree_are_not_shown() -> None:
    div = ET.Element("{http://www.w3.org/1999/xhtml}div")
    div.append(ET.Comment("hidden"))
    div[-1].tail = "shown"
    assert render_xhtml(div).plain == "shown"
