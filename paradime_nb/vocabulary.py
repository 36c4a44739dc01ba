"""dbt's words, defined once: health spellings, status sets, running states, the commands
that execute nodes.

Python imports these names; the SQL files spell them through ``{{NAME}}`` tokens that
``render_sql`` replaces with SQL literals from this module, so a view and the code that
reads it cannot disagree (``tests/test_vocabulary.py`` checks every token and set).
Depends on nothing in the package: every layer may import it.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Health(StrEnum):
    """``health_status`` as the paradime-io SDK spells it (a ``str``: compares equal to
    ``"Critical"``). The SDK has no unknown; ours is ``"Unknown"``: never executed in the
    loaded runs, or nothing about the node was ever checked."""

    HEALTHY = "Healthy"
    WARNING = "Warning"
    CRITICAL = "Critical"
    UNKNOWN = "Unknown"


# Plain ``str`` values (what the store returns), so dict keys and reprs stay plain.
HEALTHY: str = Health.HEALTHY.value
WARNING: str = Health.WARNING.value
CRITICAL: str = Health.CRITICAL.value
UNKNOWN: str = Health.UNKNOWN.value
#: how counts are listed (dashboard, summary): the good news first
HEALTH_DISPLAY_ORDER: tuple[str, ...] = (HEALTHY, WARNING, CRITICAL, UNKNOWN)
#: how lists are sorted (model health, the card): the worst first, unknown before healthy
HEALTH_WORST_FIRST: tuple[str, ...] = (CRITICAL, WARNING, UNKNOWN, HEALTHY)
#: the two spellings a problem has
HEALTH_PROBLEMS: tuple[str, ...] = (CRITICAL, WARNING)

# --- node statuses (dbt-core's lower-case spelling; dbt Fusion's are normalised to these) ---
#: a node that ran and is fine
OK_STATUSES = ("success", "pass", "no-op", "reused")
#: a node that errored (``fail``: a node reporting test-like failure)
ERROR_STATUSES = ("error", "runtime error", "fail")
#: a test whose latest result is a failure (warn is not)
FAILING_TEST_STATUSES = ("fail", "error", "runtime error")
#: a test that needs a look: failing or warning (what the card and the summary list)
PROBLEM_TEST_STATUSES = ("fail", "error", "runtime error", "warn")
KNOWN_STATUSES = ("success", "error", "skipped", "pass", "fail", "warn", "runtime error", "partial success",
                  "no-op", "reused")

# --- source freshness -------------------------------------------------------------------
FRESHNESS_STATUSES = ("pass", "warn", "error", "runtime error")
#: a source that is stale or whose check failed (never checked: None, not stale)
STALE_FRESHNESS = ("warn", "error", "runtime error")

# --- runs and commands --------------------------------------------------------------------
#: Bolt run states of a run still going: skipped by loads, replaced when loaded again
RUNNING_STATES = ("STARTING", "RUNNING", "QUEUED", "PENDING")
#: dbt subcommands (``args.which``) whose run_results hold real node executions
NODE_EXECUTING_COMMANDS = ("run", "test", "build", "seed", "snapshot", "retry")


def is_running(state: str | None) -> bool:
    return (state or "").upper() in RUNNING_STATES


# --- SQL ---------------------------------------------------------------------------------
#: the names SQL files may use as ``{{NAME}}``
SQL_TOKENS: dict[str, str | tuple[str, ...]] = {
    "HEALTHY": HEALTHY, "WARNING": WARNING, "CRITICAL": CRITICAL, "UNKNOWN": UNKNOWN,
    "OK_STATUSES": OK_STATUSES, "ERROR_STATUSES": ERROR_STATUSES,
    "FAILING_TEST_STATUSES": FAILING_TEST_STATUSES, "PROBLEM_TEST_STATUSES": PROBLEM_TEST_STATUSES,
    "STALE_FRESHNESS": STALE_FRESHNESS, "RUNNING_STATES": RUNNING_STATES,
    "NODE_EXECUTING_COMMANDS": NODE_EXECUTING_COMMANDS,
}
_TOKEN = re.compile(r"\{\{([A-Z_]+)\}\}")


def _literal(value: str | tuple[str, ...]) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ")"
    return "'" + value.replace("'", "''") + "'"


def render_sql(text: str) -> str:
    """Replace ``{{NAME}}`` with the SQL literal of that constant (a tuple becomes
    ``('a', 'b')`` for ``IN``). An unknown name is a bug in a shipped file: KeyError."""
    return _TOKEN.sub(lambda m: _literal(SQL_TOKENS[m.group(1)]), text)
