"""Time the project as an installed copy runs, with its bytecode already compiled.

``pip install`` compiles every module once; the editable install used for development
does not, and with PYTHONDONTWRITEBYTECODE set (as on the project's VMs) nothing is ever
cached, so each process would compile all of xmppsocial from source: about 60 ms of a
one-shot command's start-up on the 2 vCPU VM that no user pays. The bare baselines load
slixmpp and Textual from site-packages, compiled at their install.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import xmppsocial


def byte_compile() -> None:
    """Write the bytecode of every xmppsocial module, as installing it does."""
    compileall.compile_dir(Path(xmppsocial.__file__).parent, quiet=1)
