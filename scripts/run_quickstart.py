"""Execute notebooks/quickstart.ipynb in a kernel of this interpreter and write its HTML beside it.

``make demo`` runs this after the text summary: ``python scripts/run_quickstart.py`` prints
the path of ``notebooks/quickstart.html``. The notebook file itself is left untouched
(its outputs stay out of git). Widget state is not stored, so the exported page shows each
widget's static HTML and works offline.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL = "paradime-nb"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", default=str(ROOT / "notebooks" / "quickstart.ipynb"))
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    args = parser.parse_args(argv)
    try:
        import nbformat
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import KernelManager
        from nbclient import NotebookClient
        from nbconvert import HTMLExporter
    except ImportError as exc:
        print(f"running the notebook needs nbclient, nbconvert and ipykernel ({exc.name} is missing): "
              f"{sys.executable} -m pip install nbclient nbconvert ipykernel", file=sys.stderr)
        return 1

    source = Path(args.notebook).resolve()
    started = time.perf_counter()
    nb = nbformat.read(source, as_version=4)
    with tempfile.TemporaryDirectory(prefix="paradime-nb-kernel-") as kernels:
        spec = Path(kernels) / KERNEL
        spec.mkdir()
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "paradime_nb", "language": "python",
        }))
        km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
        NotebookClient(nb, km=km, timeout=args.timeout, store_widget_state=False,
                       resources={"metadata": {"path": str(source.parent)}}).execute(
            stderr=subprocess.DEVNULL, cleanup_kc=True)  # shut the kernel down (we own its manager)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    target = source.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    print(f"executed {source.name} in {time.perf_counter() - started:.1f}s: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
