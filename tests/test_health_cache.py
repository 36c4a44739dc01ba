"""The node_health snapshot follows every change of the store (loads, replacements, deletes)."""

from __future__ import annotations

import shutil

from paradime_nb import Paradime
from tests.conftest import JAFFLE


def _health(client) -> dict[str, str]:
    return {m.unique_id: m.health_status for m in client.metadata.get_model_health("jaffle-daily")}


def _fresh(root) -> dict[str, str]:
    with Paradime.from_path(root) as c:
        c.metadata.load("jaffle-daily", runs=100, progress=False)
        return _health(c)


def test_snapshot_is_rebuilt_after_loads_and_deletes(tmp_path):
    root = tmp_path / "jaffle-daily"
    root.mkdir()
    shutil.copy(JAFFLE / "schedule.json", root / "schedule.json")
    shutil.copytree(JAFFLE / "48004", root / "48004")  # unique tests fail: critical models
    with Paradime.from_path(root) as client:
        client.metadata.load("jaffle-daily", progress=False)
        first = _health(client)
        assert "Critical" in first.values()
        assert _health(client) == first  # served from the snapshot

        shutil.copytree(JAFFLE / "48012", root / "48012")  # a clean run fixes them
        client.metadata.load("jaffle-daily", runs=5, progress=False)
        second = _health(client)
        assert second != first
        assert second == _fresh(root)
        dashboard = client.metadata.get_health_dashboard("jaffle-daily")
        assert dashboard.models_by_health["Critical"] == list(second.values()).count("Critical")

        client.store.delete_runs("jaffle-daily", [48012])
        assert _health(client) == first
