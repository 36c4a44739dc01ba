"""Drives the official ``paradime-io`` SDK for the benchmarks; runs under the peer venv only.

Two ways in, both through the SDK's own code:

- ``api``: ``paradime.Paradime(...)`` pointed at our loopback server; its ``MetadataClient``
  collects the latest run with its own Bolt client, parses and loads its DuckDB.
- ``dicts``: the same artifact files, decoded as its Bolt client decodes downloads
  (``json.loads``), handed to ``MetadataClient`` through a stand-in Bolt client that
  returns them, so only its parser, database and dashboard run.

Prints one JSON object: seconds per step, peak RSS (``ru_maxrss``) and a dashboard summary.
Nothing of the SDK is copied here: it is imported from the peer venv.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import time

os.environ.setdefault("PARADIME_DISABLE_VERSION_CHECK", "1")  # no PyPI call inside a timing


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _summary(dashboard) -> dict:
    fields = ("total_models", "healthy_models", "warning_models", "critical_models", "sources_checked", "stale_sources")
    return {f: getattr(dashboard, f, None) for f in fields}


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        data = fh.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


class _GivenArtifacts:
    """Stands in for the SDK's BoltClient: returns artifacts already decoded."""

    def __init__(self, artifacts: dict) -> None:
        self._artifacts = artifacts

    def _get_all_latest_artifacts(self, schedule_name: str, max_runs: int = 1) -> dict:
        return self._artifacts


def run_dicts(files: list[tuple[str, str]], schedule: str) -> dict:
    """Several run_results or sources files are merged with the SDK's own helpers, as its
    collection does for a run with several commands (``merge=True``)."""
    from paradime.apis.metadata import MetadataClient
    from paradime.apis.metadata.utils import merge_run_results, merge_sources

    base = _rss_mb()
    blobs = [(kind, _read(path)) for kind, path in files]
    started = time.perf_counter()
    decoded_files: dict[str, list] = {}
    for kind, blob in blobs:
        decoded_files.setdefault(kind, []).append(json.loads(blob))
    merge = {"run_results": merge_run_results, "sources": merge_sources}
    artifacts = {kind: docs[0] if len(docs) == 1 else merge[kind](docs) for kind, docs in decoded_files.items()}
    decoded = time.perf_counter()
    client = MetadataClient(bolt_client=_GivenArtifacts(artifacts))
    dashboard = client.get_health_dashboard(schedule)
    done = time.perf_counter()
    return {"seconds": done - started, "decode_seconds": decoded - started, "parse_store_dashboard_seconds": done - decoded,
            "rss_mb": _rss_mb(), "base_rss_mb": base, "dashboard": _summary(dashboard)}


def run_api(endpoint: str, key: str, secret: str, schedule: str, reload: bool) -> dict:
    from paradime import Paradime

    client = Paradime(api_key=key, api_secret=secret, api_endpoint=endpoint)
    started = time.perf_counter()
    client.metadata.refresh_metadata(schedule)  # collect + parse + load, as its first analysis does
    loaded = time.perf_counter()
    dashboard = client.metadata.get_health_dashboard(schedule)
    done = time.perf_counter()
    out = {"seconds": loaded - started, "dashboard_seconds": done - loaded, "rss_mb": _rss_mb(),
           "dashboard": _summary(dashboard)}
    if reload:  # its only way to see a new run: collect everything again
        started = time.perf_counter()
        client.metadata.refresh_metadata(schedule)
        out["reload_seconds"] = time.perf_counter() - started
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    d = sub.add_parser("dicts")
    d.add_argument("--schedule", required=True)
    d.add_argument("--file", action="append", default=[], help="kind=path (manifest, run_results, sources); repeatable")
    a = sub.add_parser("api")
    a.add_argument("--endpoint", required=True)
    a.add_argument("--key", required=True)
    a.add_argument("--secret", required=True)
    a.add_argument("--schedule", required=True)
    a.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    if args.mode == "dicts":
        out = run_dicts([tuple(f.split("=", 1)) for f in args.file], args.schedule)
    else:
        out = run_api(args.endpoint, args.key, args.secret, args.schedule, args.reload)
    import paradime  # noqa: F401  (version for the report)
    from importlib.metadata import version

    out["version"] = version("paradime-io")
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
