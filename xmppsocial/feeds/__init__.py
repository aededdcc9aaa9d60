"""Web feeds: Atom/RSS imported onto an XMPP blog (with their real encoding), and a blog
exported as Atom or OPML. Pure: no Textual, no slixmpp."""
