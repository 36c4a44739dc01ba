"""``paradime-nb`` (and ``python -m paradime_nb``): the command line, a thin shell over the API.

One module per command; each registers a click command on the group in ``app.py``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (see ``paradime-nb --help``)."""
    from .app import cli

    try:
        cli.main(args=argv, prog_name="paradime-nb", standalone_mode=True)
        sys.stdout.flush()
    except SystemExit as exc:
        code = exc.code
        _flush_quietly()
        return code if isinstance(code, int) else (0 if code is None else 2)
    except BrokenPipeError:  # `paradime-nb ... | head`: the reader left, which is fine
        _quiet_stdout()
    return 0


def _flush_quietly() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()


def _quiet_stdout() -> None:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
