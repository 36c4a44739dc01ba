"""Connect to a Paradime workspace, a local folder (--path) or the bundled demo (--demo)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments

from ._args import parse

if TYPE_CHECKING:
    from ...client import Paradime
    from ..session import Session


@magic_arguments("paradime connect")
@argument("--demo", action="store_true", help="the bundled demo: 12 daily runs of jaffle-daily")
@argument("--path", metavar="DIR", help="a saved-runs folder, or a dbt project / target/ folder")
@argument("--dataset", metavar="DIR_OR_URL", help="a shared Parquet dataset, read-only (paradime-nb sync --dataset writes one)")
@argument("--client", metavar="VARIABLE", help="adopt a Paradime object from the notebook's variables")
@argument("--database", metavar="FILE", default=":memory:",
          help="DuckDB file that keeps history between kernels (default: in memory)")
@argument("--schedule-name", metavar="NAME", help="with --path to a target/ folder: the schedule's name")
@argument("--read-only", action="store_true",
          help="open --database read-only: several kernels can read it while none writes")
@argument("--sql-writes", action="store_true",
          help="let %%sql / %%paradime query change the store (read-only by default)")
@argument("--strict", action="store_true",
          help="check every file against dbt's published schema for its version (slower; see the README)")
@argument("--timeout", type=float, metavar="S", help="seconds to wait for each API answer (default 60)")
@argument("--api-endpoint", metavar="URL", help="default: PARADIME_API_ENDPOINT or ~/.paradime/credentials")
@argument("--api-key", metavar="KEY", help="default: PARADIME_API_KEY (pass a variable: --api-key $key)")
@argument("--api-secret", metavar="SECRET", help="default: PARADIME_API_SECRET (pass a variable)")
@argument("--workspace-uid", metavar="UID", help="default: PARADIME_WORKSPACE_UID (company tokens)")
def command(session: Session, line: str) -> Paradime:
    """Connect this notebook; later subcommands and %%sql use this client's store.
    With no option, the API credentials come from the environment or ~/.paradime/credentials."""
    args = parse(command, line)
    from ...client import Paradime

    if sum(bool(x) for x in (args.demo, args.path, args.client, args.dataset)) > 1:
        raise UsageError("choose one of --demo, --path, --dataset and --client")
    ro = {"read_only": True} if args.read_only else {}
    if args.strict and (args.demo or args.client):
        raise UsageError("--strict goes with --path or the API (the demo is checked by the tests; "
                         "a --client keeps the strictness it was made with)")
    strict = {"strict": True} if args.strict else {}
    if args.demo:
        client, where = Paradime.demo(database=args.database, **ro), "the bundled demo"
    elif args.path:
        client = Paradime.from_path(args.path, database=args.database, schedule_name=args.schedule_name, **ro,
                                    **strict)
        where = str(args.path)
    elif args.dataset:
        client, where = Paradime.from_dataset(args.dataset), f"the dataset {args.dataset}"
    elif args.client:
        client = session.shell.user_ns.get(args.client)
        if not isinstance(client, Paradime):
            raise UsageError(f"{args.client!r} is not a Paradime object in this notebook")
        where = f"the client {args.client}"
    else:
        timeout = {"timeout": args.timeout} if args.timeout is not None else {}
        client = Paradime(api_key=args.api_key, api_secret=args.api_secret, api_endpoint=args.api_endpoint,
                          workspace_uid=args.workspace_uid, database=args.database, **ro, **timeout, **strict)
        where = "the Paradime API"
    client.metadata.sql_writes = client.metadata.sql_writes or args.sql_writes
    session.use(client, where, owned=not args.client)
    session.after_data(None)  # %%sql works at once, before any load
    return client
