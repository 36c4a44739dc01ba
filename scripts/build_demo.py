"""Rebuild paradime_nb/demo_data/runs from ../shared/fixtures/runs.

Keeps only what the store reads (run/command/schedule JSON, the latest manifest and catalog
of each run, every run_results.json and sources.json), gzipped.
Usage: python scripts/build_demo.py [FIXTURE_RUNS_DIR]
"""

from __future__ import annotations

import gzip
import shutil
import sys
from pathlib import Path

from paradime_nb.sources.saved_runs import SavedRunsSource

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "paradime_nb" / "demo_data" / "runs"


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "fixtures" / "runs"
    if DEST.exists():
        shutil.rmtree(DEST)
    source = SavedRunsSource(src)
    for schedule in source.schedules():
        folder = source._folder(schedule)
        out = DEST / folder.name
        out.mkdir(parents=True)
        shutil.copy(folder / "schedule.json", out / "schedule.json")
        runs = source.runs(schedule)
        for data in source.fetch(schedule, runs):
            run_dir = folder / str(data.run.run_id)
            (out / run_dir.name).mkdir()
            shutil.copy(run_dir / "run.json", out / run_dir.name / "run.json")
            wanted = {(c.index, f.path) for c in data.commands for f in c.files}
            cmd_dirs = sorted(p for p in run_dir.iterdir() if (p / "command.json").is_file())
            for cmd in data.commands:
                cmd_dir = next(p for p in cmd_dirs if p.name.split("_", 1)[0] == str(cmd.index))
                dest = out / run_dir.name / cmd_dir.name
                dest.mkdir()
                shutil.copy(cmd_dir / "command.json", dest / "command.json")
                for f in cmd.files:
                    if (cmd.index, f.path) in wanted:
                        target = dest / (f.path + ".gz")
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(gzip.compress(f.read(), 9, mtime=0))
    size = sum(p.stat().st_size for p in DEST.rglob("*") if p.is_file())
    print(f"demo data: {size / 1e6:.2f} MB in {DEST}")


if __name__ == "__main__":
    main()
