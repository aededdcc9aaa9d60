"""The network layer: the only package that imports slixmpp.

It hands the rest of the program model objects and events, never stanzas.
"""
