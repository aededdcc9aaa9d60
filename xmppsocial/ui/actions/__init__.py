"""What the keys do, as small functions of the app: composing, the social actions, reading.

Each is registered by name in xmppsocial.ui.commands; the name is the key's name in
xmppsocial.keys, so that a key, its help line and its palette entry come from one place.
"""
