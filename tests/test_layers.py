"""Import hygiene: the pure core never loads Textual or slixmpp, the network layer never Textual.

Each module is imported in a fresh interpreter, so a lazy or indirect import
that a static import graph would miss still shows up in ``sys.modules``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "xmppsocial"


def module_names(where: Path) -> list[str]:
    names = []
    for path in sorted(where.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


# The demo wires every layer together, like the app; it is not part of the core.
CORE = [name for name in module_names(PACKAGE)
        if not name.startswith(("xmppsocial.xmpp", "xmppsocial.ui", "xmppsocial.demo"))]
NETWORK = module_names(PACKAGE / "xmpp")


def loaded_after_import(module: str) -> set[str]:
    code = (f"import json, sys, {module}; "
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


def test_the_core_is_found() -> None:
    assert {"xmppsocial.model", "xmppsocial.cli"} <= set(CORE)
    assert "xmppsocial.xmpp.client" in NETWORK


@pytest.mark.parametrize("module", CORE)
def test_core_module_loads_neither_textual_nor_slixmpp(module: str) -> None:
    loaded = loaded_after_import(module)
    assert not loaded & {"textual", "slixmpp"}, f"{module} loaded {loaded & {'textual', 'slixmpp'}}"


@pytest.mark.parametrize("module", NETWORK)
def test_network_layer_does_not_load_textual(module: str) -> None:
    assert "textual" not in loaded_after_import(module)
