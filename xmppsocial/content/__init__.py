"""What a post holds, in and out: Atom entries, sanitised XHTML and HTML, Markdown, safe
terminal rendering and the filter for untrusted strings. Pure: no Textual, no slixmpp."""
