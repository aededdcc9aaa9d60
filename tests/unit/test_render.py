"""Post bodies as terminal text: structure kept, styles as spans, nothing interpreted."""

from __future__ import annotations

from xmppsocial.render import render_text, render_xhtml
from xmppsocial.sanitize import clean_line, clean_name
from xmppsocial.xhtml import from_html


def test_structure_and_styles() -> None:
    text = render_xhtml(from_html(
        "<h2>Title</h2><p>Some <em>em</em> and <code>code</code>.</p>"
        "<blockquote><p>quoted</p></blockquote><ol start='3'><li>three</li><li>four</li></ol>"
        "<pre>line 1\n  line 2</pre><p><img src='https://x.example/a.png' alt='a cat'></p>"))
    assert text.plain == ("Title\n\nSome em and code.\n\n▌ quoted\n\n3. three\n4. four\n\n"
                          "line 1\n  line 2\n\n[image: a cat] <https://x.example/a.png>")
    styles = {text.plain[s.start:s.end]: str(s.style) for s in text.spans}
    assert styles["em"] == "italic" and styles["code"] == "reverse" and styles["Title"] == "bold"


def test_markup_lookalikes_stay_literal() -> None:
    text = render_text("[b]not bold[/b] [link=x]y[/link] :smile:")
    assert text.plain == "[b]not bold[/b] [link=x]y[/link] :smile:" and not text.spans


def test_names_lose_bidi_and_invisible_characters() -> None:
    assert clean_name("\u202eevil\u200b name\u2066") == "evil name"
    assert clean_line("a\x1b[31mred\x1b[0m\x07") == "ared"
    assert clean_line("x" * 100, 10) == "x" * 9 + "…"
