"""What every command shares: the source and store options, opening the client, exit codes.

A command is a thin shell over ``Paradime``/``client.metadata``: it parses options, makes
one or a few API calls and lays the answer out. Errors of the package become one line on
stderr and exit code 2; nothing prints a traceback or a secret.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from ..client import Paradime

#: Exit codes, as ``--help`` and the README document them.
EXIT_OK = 0
EXIT_FOUND = 1  # check: something at or above the threshold
EXIT_ERROR = 2  # usage, configuration, connection, store locked
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = (
    "Exit codes: 0 success (check: nothing at or above the threshold); 1 check found "
    "something at or above it; 2 usage, configuration, connection or store error "
    "(unknown schedule, no credentials, store locked by another process)."
)
SOURCE_HELP = (
    "Where runs come from: --demo (bundled demo), --path DIR (saved runs, or a dbt project / "
    "target folder), else the Paradime API from PARADIME_API_ENDPOINT, PARADIME_API_KEY, "
    "PARADIME_API_SECRET (, PARADIME_WORKSPACE_UID) or ~/.paradime/credentials. "
    "--store FILE.duckdb keeps history (default: in memory); --offline reads the store only."
)
LOCK_WAIT_SECONDS = 30.0
_LOCK_POLL_SECONDS = 0.2
MEMORY = ":memory:"


class CliError(click.ClickException):
    """One line on stderr, exit code 2."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


@dataclass
class SourceOptions:
    demo: bool
    path: str | None
    store: str | None
    offline: bool
    lock_wait: float
    schedule_name: str | None = None

    @property
    def database(self) -> str:
        return self.store or MEMORY


def source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say where runs come from and where they are stored."""
    options = [
        click.option("--demo", is_flag=True, help="The bundled demo runs (schedule jaffle-daily)."),
        click.option("--path", type=click.Path(exists=True, file_okay=False), metavar="DIR",
                     help="A saved-runs folder, or a dbt project / target/ folder."),
        click.option("--store", metavar="FILE.duckdb", help="DuckDB file that keeps history (default: in memory)."),
        click.option("--offline", is_flag=True, help="Read the store only: no source, nothing fetched (needs --store)."),
        click.option("--lock-wait", type=click.FloatRange(min=0), default=LOCK_WAIT_SECONDS, show_default=True,
                     metavar="SECONDS", help="How long to wait for a store another process holds."),
        click.option("--schedule-name", metavar="NAME", help="With --path to a target/ folder: the schedule's name."),
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, demo: bool, path: str | None, store: str | None, offline: bool, lock_wait: float,
                schedule_name: str | None, **kwargs: Any) -> Any:
        return func(*args, source=SourceOptions(demo, path, store, offline, lock_wait, schedule_name), **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """The package's errors (and DuckDB's, from user SQL) as one line and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..errors import ParadimeNbError  # noqa: PLC0415

        try:
            return func(*args, **kwargs)
        except ParadimeNbError as exc:
            raise CliError(_one_line(exc)) from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (OSError, ValueError) as exc:
            raise CliError(_one_line(exc)) from None

    return wrapper


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


@contextmanager
def open_client(options: SourceOptions, *, read_only: bool = False) -> Iterator[Paradime]:
    """The client the options describe; the store waits up to ``lock_wait`` seconds for a
    file another process holds, then fails naming it."""
    from ..client import Paradime  # noqa: PLC0415

    if options.demo and options.path:
        raise click.UsageError("choose one of --demo and --path")
    if options.offline and (options.demo or options.path):
        raise click.UsageError("--offline reads the store only; it takes no --demo or --path")
    if options.offline and not options.store:
        raise click.UsageError("--offline needs --store FILE.duckdb (an in-memory store starts empty)")
    store = open_store(options.database, options.lock_wait, read_only=read_only)
    try:
        if options.offline:
            client = Paradime.from_source(None, store)
        elif options.demo:
            client = Paradime.demo(store)
        elif options.path:
            client = Paradime.from_path(options.path, store, schedule_name=options.schedule_name)
        else:
            client = _api_client(store)
    except BaseException:
        store.close()
        raise
    try:
        yield client
    finally:
        client.close()


def _api_client(store: Any) -> Paradime:
    from ..client import Paradime  # noqa: PLC0415
    from ..errors import ConfigurationError  # noqa: PLC0415

    try:
        return Paradime(database=store)
    except ConfigurationError as exc:
        raise ConfigurationError(
            f"{exc}. On the command line, give runs in one of three ways: --demo, --path DIR, or the "
            "Paradime API via PARADIME_API_ENDPOINT/PARADIME_API_KEY/PARADIME_API_SECRET or ~/.paradime/credentials"
        ) from None


def open_store(database: str, lock_wait: float, *, read_only: bool = False) -> Any:
    """``Store(database)``, retried while another process holds the file, for ``lock_wait`` s."""
    from ..errors import StoreLockedError  # noqa: PLC0415
    from ..store import Store  # noqa: PLC0415

    if database != MEMORY:
        folder = os.path.dirname(os.path.abspath(database))
        if read_only and not os.path.exists(database):
            raise CliError(f"{database}: no such store file")
        os.makedirs(folder, exist_ok=True)
    deadline = time.monotonic() + lock_wait
    while True:
        try:
            return Store(database, read_only=read_only)
        except StoreLockedError:
            if time.monotonic() >= deadline:
                raise StoreLockedError(
                    f"{database} is locked by another process (a sync still running?); waited {lock_wait:g} s. "
                    "Try again later or raise --lock-wait"
                ) from None
            time.sleep(_LOCK_POLL_SECONDS)


def is_terminal(stream: Any = None) -> bool:
    stream = stream if stream is not None else sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def console(stderr: bool = False) -> Any:
    """A rich console: colours on a terminal, plain text (wide, unwrapped) in pipes and files."""
    from rich.console import Console  # noqa: PLC0415

    stream = sys.stderr if stderr else sys.stdout
    if is_terminal(stream):
        return Console(file=stream, stderr=stderr)
    return Console(file=stream, width=int(os.environ.get("COLUMNS", "200")), no_color=True, soft_wrap=True,
                   highlight=False, emoji=False)


def days_or_runs(runs: int | None, days: float | None, default_runs: int | None = 1) -> tuple[int | None, float | None]:
    """``--runs``/``--days`` as ``load`` takes them (one or the other)."""
    if runs is not None and days is not None:
        raise click.UsageError("give --runs or --days, not both")
    if days is not None:
        return None, days
    return (runs if runs is not None else default_runs), None


def write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path``, creating its folder; a one-line error otherwise."""
    try:
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None
