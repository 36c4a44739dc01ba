"""Case 5: what a notebook pays before its first cell does anything.

Each figure is a fresh Python process (``-X frozen_modules`` defaults, no bytecode writes)
timing, inside, from just before the statement to just after it:

- ``import duckdb`` (the baseline: nothing useful happens without it);
- ``import paradime_nb``;
- ``%load_ext paradime_nb`` in a real ``IPython.core.interactiveshell.InteractiveShell``
  (the shell is created before the clock starts; the extension's imports are inside);
- ``from paradime_nb import Paradime`` (what the first API cell pulls in), for scale.

Target: ``%load_ext paradime_nb`` at most 0.3 s over ``import duckdb``.

    python benchmarks/imports.py [--repeat 7]
"""

from __future__ import annotations

import sys

from _common import Row, emit, finish, median, parser, repeat_child

TARGET_OVER = 0.3
STATEMENTS = {
    "duckdb": "import duckdb",
    "package": "import paradime_nb",
    "client": "from paradime_nb import Paradime",
}


def _child(what: str) -> None:
    import time

    if what == "load_ext":
        from IPython.core.interactiveshell import InteractiveShell

        shell = InteractiveShell.instance()
        started = time.perf_counter()
        shell.run_line_magic("load_ext", "paradime_nb")
        seconds = time.perf_counter() - started
        assert "paradime" in shell.magics_manager.magics["line"]
        emit({"seconds": seconds, "duckdb_loaded": "duckdb" in sys.modules, "pandas_loaded": "pandas" in sys.modules})
        return
    code = compile(STATEMENTS[what], "<bench>", "exec")
    started = time.perf_counter()
    exec(code, {})
    emit({"seconds": time.perf_counter() - started, "duckdb_loaded": "duckdb" in sys.modules,
          "pandas_loaded": "pandas" in sys.modules})


def measure(repeat: int, warmup: int) -> list[Row]:
    me = [sys.executable, __file__, "--child"]
    got = {what: repeat_child(me + [what], repeat, warmup=warmup) for what in ("duckdb", "package", "load_ext", "client")}
    t = {what: median([r["seconds"] for r in runs]) for what, runs in got.items()}
    n = f"{repeat} (+{warmup} warm-up)"
    loaded = got["load_ext"][0]
    over = t["load_ext"] - t["duckdb"]
    heavy = ", ".join(m for m in ("duckdb", "pandas") if loaded[f"{m}_loaded"]) or "neither duckdb nor pandas"
    return [
        Row("5", "import paradime_nb (fresh process)", t["package"], "import duckdb", t["duckdb"], n=n,
            target=f"<= duckdb + {TARGET_OVER} s", met=t["package"] - t["duckdb"] <= TARGET_OVER,
            note=f"{t['package'] - t['duckdb']:+.3f} s vs duckdb"),
        Row("5", "%load_ext paradime_nb (IPython InteractiveShell, fresh process)", t["load_ext"], "import duckdb",
            t["duckdb"], n=n, target=f"<= duckdb + {TARGET_OVER} s", met=over <= TARGET_OVER,
            note=f"{over:+.3f} s vs duckdb; loads {heavy}"),
        Row("5", "from paradime_nb import Paradime (fresh process)", t["client"], "import duckdb", t["duckdb"], n=n,
            note=f"{t['client'] - t['duckdb']:+.3f} s vs duckdb (first API cell, no target)"),
    ]


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(sys.argv[2])
        return
    p = parser(__doc__)
    p.set_defaults(repeat=7)
    args = p.parse_args()
    rows = measure(1, 0) if args.smoke else measure(args.repeat, 1)
    finish(rows, args.json)


if __name__ == "__main__":
    main()
