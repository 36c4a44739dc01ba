"""``paradime-nb views``: the store's views in another engine's SQL, to create over the
shared dataset's tables there (written once in DuckDB's dialect, transpiled by sqlglot)."""

from __future__ import annotations

import click

from .common import handle_errors


@click.command("views")
@click.option("--dialect", type=click.Choice(["spark", "databricks", "trino", "bigquery", "snowflake", "duckdb"]),
              default="spark", show_default=True, help="The SQL dialect to print.")
@click.option("--temporary", is_flag=True, help="CREATE OR REPLACE TEMPORARY VIEW (a Spark session's own views).")
@click.option("--all", "every", is_flag=True,
              help="Every view, not only those tested in Spark (the rest are printed as sqlglot writes them).")
@handle_errors
def command(dialect: str, temporary: bool, every: bool) -> None:
    """Print CREATE VIEW statements for the health, latest-result, freshness and SDK views.

    The tables they read are the dataset's (`paradime-nb sync ... --dataset DIR`):
    create them over its committed Parquet files first (paradime_nb.store.dataset.spark
    does both for a Spark session)."""
    from ..store.portable import create_views_script  # noqa: PLC0415

    click.echo(create_views_script(dialect, temporary=temporary, every=every))
