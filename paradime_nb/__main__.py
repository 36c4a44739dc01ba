"""``python -m paradime_nb``: the ``paradime-nb`` command line (``paradime_nb.cli``)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
