"""Execute notebooks/quickstart.ipynb in a kernel of this interpreter and write its HTML beside it.

``make demo`` runs this after the text summary: ``python scripts/run_quickstart.py`` prints
the path of ``notebooks/quickstart.html``. The notebook file itself is left untouched (its
outputs stay out of git); the page shows each widget's static HTML and works offline.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", default=str(ROOT / "notebooks" / "quickstart.ipynb"))
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    args = parser.parse_args(argv)
    try:
        import nbclient  # noqa: F401
        import nbconvert  # noqa: F401
        import ipykernel  # noqa: F401
    except ImportError as exc:
        print(f"running the notebook needs nbclient, nbconvert and ipykernel ({exc.name} is missing): "
              f"{sys.executable} -m pip install nbclient nbconvert ipykernel", file=sys.stderr)
        return 1
    from paradime_nb.testing.runner import execute_notebook, export_html

    source = Path(args.notebook).resolve()
    started = time.perf_counter()
    nb = execute_notebook(source, timeout=args.timeout, quiet=True)
    target = export_html(nb, source.with_suffix(".html"))
    print(f"executed {source.name} in {time.perf_counter() - started:.1f}s: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
