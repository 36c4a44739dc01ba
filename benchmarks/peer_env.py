"""Create ``benchmarks/.venv-peer`` with the ``paradime-io`` SDK, when missing.

The SDK pins duckdb<2, polars<0.21 and pyarrow<19, which our own environment does not
satisfy, so it lives in its own virtual environment and runs in child processes. The
version is whatever the index has now (the issue compares with the current SDK); it is
recorded in RESULTS.md. ``--upgrade`` reinstalls the newest.

    python benchmarks/peer_env.py [--upgrade]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import venv
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv-peer"
PYTHON = VENV / "bin" / "python"
MARKER = VENV / ".installed"


def ensure(upgrade: bool = False, quiet: bool = True) -> Path:
    """The peer venv's python, creating the venv and installing the SDK if needed."""
    if MARKER.is_file() and PYTHON.is_file() and not upgrade:
        return PYTHON
    if not PYTHON.is_file():
        print(f"creating {VENV} for the paradime-io SDK", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    cmd = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "--upgrade", "paradime-io"]
    if quiet:
        cmd.insert(4, "-q")
    print("installing paradime-io into the peer venv (about a minute)", file=sys.stderr)
    subprocess.run(cmd, check=True)
    MARKER.write_text(version() + "\n")
    return PYTHON


def version() -> str:
    """The installed SDK version, asked of the peer venv itself."""
    done = subprocess.run([str(PYTHON), "-c", "from importlib.metadata import version; print(version('paradime-io'))"],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="install the newest paradime-io again")
    args = parser.parse_args()
    ensure(args.upgrade, quiet=False)
    print(f"{PYTHON} (paradime-io {version()})")


if __name__ == "__main__":
    main()
