"""In-band account registration (XEP-0077), for throwaway servers: tests and the demo."""

from __future__ import annotations

import asyncio

from slixmpp.exceptions import IqError, IqTimeout

from xmppsocial.model import ConnectionState
from xmppsocial.xmpp.client import ConnectError, ConnectionSettings, SocialClient


async def register_account(settings: ConnectionSettings, timeout: float = 30.0) -> None:
    """Create the account named by ``settings.jid`` on its server, then log in once.

    Raises ConnectError when the server refuses the registration (for example,
    because the name is taken) or the connection fails.
    """
    client = SocialClient(settings, plugins=("xep_0030", "xep_0004", "xep_0066", "xep_0077"))
    client.plugin["xep_0077"].force_registration = True
    refused: list[str] = []

    async def on_register(_form: object) -> None:
        iq = client.Iq()
        iq["type"] = "set"
        iq["register"]["username"] = client.boundjid.user
        iq["register"]["password"] = settings.password
        try:
            await iq.send(timeout=timeout)
        except (IqError, IqTimeout) as exc:
            refused.append(str(exc))
            client.abort()

    client.add_event_handler("register", on_register)
    try:
        await client.start(timeout)
    except ConnectError as exc:
        if refused:
            raise ConnectError(ConnectionState.AUTH_FAILED,
                               f"registration refused: {refused[0]}") from exc
        raise
    finally:
        await client.stop()
        await asyncio.sleep(0)
