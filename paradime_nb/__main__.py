"""``python -m paradime_nb demo``: load every bundled demo run and print a health summary."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paradime_nb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="load the bundled demo runs and print a health summary")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from .summary import print_demo_summary

        try:
            print_demo_summary()
            sys.stdout.flush()
        except BrokenPipeError:  # `paradime_nb demo | head`: the reader left, which is fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
