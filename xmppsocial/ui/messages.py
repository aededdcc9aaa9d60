"""Textual messages that carry the service's events into the app."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from xmppsocial.events import ServiceEvent


@dataclass
class ServiceEventArrived(Message):
    """A plain event from the network layer, delivered on the app's loop."""

    event: ServiceEvent
