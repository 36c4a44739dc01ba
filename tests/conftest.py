"""Shared test fixtures: paths into ../shared/fixtures (read-only) and fresh clients."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PARADIME_NB_SHARED", ROOT.parent / "shared")).resolve()
FIXTURES = SHARED / "fixtures"
RUNS = FIXTURES / "runs"
JAFFLE = RUNS / "jaffle-daily"
SCHEMA_VERSIONS = FIXTURES / "schema_versions"
GENERATED = SCHEMA_VERSIONS / "generated"
PUBLIC = FIXTURES / "public"
BIG = FIXTURES / "big"
OUTPUT = ROOT / "tests" / "output"

if not JAFFLE.is_dir():
    raise RuntimeError(f"fixtures not found at {FIXTURES}: clone the repo beside ../shared or set PARADIME_NB_SHARED")


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT


@pytest.fixture()
def jaffle_client():
    """A client over the fixture runs with every jaffle-daily run loaded."""
    from paradime_nb import Paradime

    client = Paradime.from_path(RUNS)
    client.metadata.load("jaffle-daily", runs=100, progress=False)
    yield client
    client.close()


@pytest.fixture(scope="module")
def demo():
    """The analyses over the 12 bundled demo runs, computed in this process (one per module)."""
    from paradime_nb import Paradime

    client = Paradime.demo()
    client.metadata.load("jaffle-daily", runs=12, progress=False)
    yield client.metadata
    client.close()
