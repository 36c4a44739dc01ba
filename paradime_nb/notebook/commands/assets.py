"""Send the widgets' JavaScript (DataTables, vis-network) to this page again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import magic_arguments, parse_argstring

if TYPE_CHECKING:
    from ..session import Session


@magic_arguments("paradime assets")
def command(session: Session, line: str) -> Any:
    """Each library goes to the page once per kernel session, in the first output that
    needs it. If that output was cleared by hand, later tables and graphs show their
    static view after a reload: run this once above them and it carries the libraries."""
    parse_argstring(command, line)
    from IPython.display import HTML

    from ..widgets.assets import reset

    return HTML(reset() + "<span style='color:#616161;font-size:12px'>paradime_nb: table and graph "
                "scripts loaded in this page</span>")
