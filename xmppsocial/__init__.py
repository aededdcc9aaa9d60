"""xmppsocial: a terminal social feed reader and blogging client for XMPP.

This module only carries the version: importing the package must stay cheap and
must not pull in Textual or slixmpp (see tests/test_layers.py).
"""

__version__ = "0.1.0"
