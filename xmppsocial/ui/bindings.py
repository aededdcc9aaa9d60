"""Textual bindings made from the key table (xmppsocial.keys), each with its name as id, so
that the ``[keys]`` of config.toml rebind them through Textual's keymap."""

from __future__ import annotations

from textual.binding import Binding

from xmppsocial.keys import BY_NAME


def key_binding(name: str, action: str, *, priority: bool = False,
                show: bool | None = None) -> Binding:
    spec = BY_NAME[name]
    return Binding(spec.keys, action, spec.label, show=spec.footer if show is None else show,
                   id=name, priority=priority)
