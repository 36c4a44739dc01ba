"""``paradime-nb`` (and ``python -m paradime_nb``): the command line, a thin shell over the API.

One module per command; each registers a click command on the group in ``app.py``.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (see ``paradime-nb --help``)."""
    from .app import cli

    try:
        cli.main(args=argv, prog_name="paradime-nb", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
