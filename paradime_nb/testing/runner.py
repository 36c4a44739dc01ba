"""Execute a notebook in a kernel of *this* interpreter and export it to HTML.

Used by ``scripts/run_quickstart.py`` (``make demo``) and the notebook tests. The kernel
spec is written to a temporary folder with ``sys.executable`` as its argv, so the kernel
runs in the same venv whatever kernels Jupyter has registered. Needs nbclient, nbconvert
and ipykernel (imported here, on use).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

KERNEL = "paradime-nb"


def execute_notebook(path: str | Path, *, env: Mapping[str, str] | None = None, timeout: int = 300,
                     quiet: bool = False) -> Any:
    """The notebook at ``path`` executed (cwd: its folder; the file is not written).

    ``env`` replaces the kernel's environment; ``quiet`` hides the kernel's own log lines.
    Widget state is not stored, so exported HTML shows each widget's static HTML."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="paradime-nb-kernel-") as kernels:
        spec = Path(kernels) / KERNEL
        spec.mkdir()
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "paradime_nb", "language": "python",
        }))
        km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernels]))
        client = NotebookClient(nb, km=km, timeout=timeout, store_widget_state=False,
                                resources={"metadata": {"path": str(path.parent)}})
        options: dict[str, Any] = {"cleanup_kc": True}  # our manager, so nbclient would leave the kernel running
        if env is not None:
            options["env"] = dict(env)
        if quiet:
            options["stderr"] = subprocess.DEVNULL
        client.execute(**options)
    return nb


def export_html(nb: Any, target: str | Path) -> Path:
    """``nb`` as a standalone HTML page (JupyterLab's look)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target
