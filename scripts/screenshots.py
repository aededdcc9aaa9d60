"""Regenerate the SVGs in screenshots/ from the real app, with the snapshot tests' data.

    .venv/bin/python -m scripts.screenshots
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from tests.ui.conftest import ME, NOW, fill
from tests.ui.fake_service import FakeService
from xmppsocial.store import Store
from xmppsocial.ui.app import XmppSocialApp

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SHOTS = {
    "timeline.svg": (),
    "composer.svg": ("n", *"Planted *tomatoes* today #garden"),
    "blog.svg": ("j", "b"),
    "help.svg": ("question_mark",),
}


async def shoot(name: str, keys: tuple[str, ...], work: Path) -> None:
    store = Store(work / f"{name}.sqlite3")
    fill(store)
    app = XmppSocialApp(store, service_factory=lambda sink: FakeService(ME, sink), account=ME,
                        clock=lambda: NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.2)
        if keys:
            await pilot.press(*keys)
        await pilot.pause(0.3)
        app.save_screenshot(name, str(OUT))
    store.close()


def main() -> None:
    work = Path(tempfile.mkdtemp())
    for name, keys in SHOTS.items():
        asyncio.run(shoot(name, keys, work))
        print(OUT / name)


if __name__ == "__main__":
    main()
