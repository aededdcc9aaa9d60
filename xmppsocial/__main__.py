"""``python -m xmppsocial`` is the same as the ``xmppsocial`` command."""

import sys

from xmppsocial.cli import main

sys.exit(main())
