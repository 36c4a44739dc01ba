"""The Jupyter layer: the ``%paradime`` magic, jupysql on the store's DuckDB, and widgets.

A thin shell over ``client.metadata``: every subcommand parses its line and makes one
call into the Python API; widgets only display what the API returned. Nothing heavy is
imported here, so ``%load_ext paradime_nb`` stays cheap.
"""
