"""Hand-built truth set: every column edge of the jaffle project's models and snapshot, read
off their compiled SQL in ``../shared/fixtures/runs/jaffle-daily/48012`` (the latest
manifest, with ``customer_segments`` added on day 10).

One tuple per edge: (source node, source column, target node, target column, kind, why).
A target column of None is a join key, filter or grouping of the target that feeds none of
its columns (kind "filter"). ``why`` is given wherever the edge is not a plain
``select col``. Columns with no edge at all are listed in ``NO_UPSTREAM`` with the reason.

Two rules decide the non-obvious cases:
- the strongest step of a path names its kind (aggregated > transformed > renamed/passthrough);
  a path of bare columns is a passthrough when both ends have one name, else a rename;
- a relation that is both a seed and a declared source (``raw_payments`` ...) is the same
  table: the edge goes to every node of that relation the model depends on.
"""

from __future__ import annotations

M = "model.jaffle_shop."
SEED = "seed.jaffle_shop."
SRC = "source.jaffle_shop.jaffle_raw."
P, R, T, A, F = "passthrough", "renamed", "transformed", "aggregated", "filter"


def _staging(model: str, raw: str, spec: list[tuple[str, str, str, str | None]]) -> list[tuple]:
    """Staging models read one relation that is both a seed and a source (both in depends_on)."""
    return [(parent + raw, src, M + model, dst, kind, why)
            for parent in (SEED, SRC) for src, dst, kind, why in spec]


EDGES: list[tuple[str, str, str, str | None, str, str | None]] = [
    *_staging("stg_customers", "raw_customers", [
        ("id", "customer_id", R, "id as customer_id"),
        ("first_name", "first_name", P, None),
        ("last_name", "last_name", P, None),
        ("_loaded_at", "loaded_at", R, "_loaded_at as loaded_at"),
    ]),
    *_staging("stg_orders", "raw_orders", [
        ("id", "order_id", R, "id as order_id"),
        ("user_id", "customer_id", R, "user_id as customer_id"),
        ("order_date", "order_date", P, None),
        ("status", "status", P, None),
        ("_loaded_at", "loaded_at", R, "_loaded_at as loaded_at"),
    ]),
    *_staging("stg_payments", "raw_payments", [
        ("id", "payment_id", R, "id as payment_id"),
        ("order_id", "order_id", P, None),
        ("payment_method", "payment_method", P, None),
        ("amount", "amount", T, "round(amount / 100.0, 2): cents to dollars"),
        ("_loaded_at", "loaded_at", R, "_loaded_at as loaded_at"),
    ]),
    # stg_fx_rates reads the source only (fx_rates is not a seed)
    (SRC + "fx_rates", "currency", M + "stg_fx_rates", "currency", P, None),
    (SRC + "fx_rates", "rate_to_usd", M + "stg_fx_rates", "rate_to_usd", T, "cast(rate_to_usd as double)"),
    (SRC + "fx_rates", "valid_date", M + "stg_fx_rates", "valid_date", T, "cast(valid_date as date)"),
    # int_payments_usd: payments CTE (select *) cross join the AUD rate
    (M + "stg_payments", "payment_id", M + "int_payments_usd", "payment_id", P, "through the payments CTE's select *"),
    (M + "stg_payments", "order_id", M + "int_payments_usd", "order_id", P, None),
    (M + "stg_payments", "payment_method", M + "int_payments_usd", "payment_method", P, None),
    (M + "stg_payments", "amount", M + "int_payments_usd", "amount_aud", R, "payments.amount as amount_aud"),
    (M + "stg_payments", "amount", M + "int_payments_usd", "amount_usd", T, "round(amount * rate_to_usd, 2)"),
    (M + "stg_fx_rates", "rate_to_usd", M + "int_payments_usd", "amount_usd", T, "the aud CTE's rate in the product"),
    (M + "stg_fx_rates", "currency", M + "int_payments_usd", None, F, "where currency = 'AUD' in the aud CTE"),
    # int_order_payments (ephemeral): one row per order
    (M + "stg_payments", "order_id", M + "int_order_payments", "order_id", P, "group by order_id, selected"),
    *[(M + "stg_payments", col, M + "int_order_payments", f"{method}_amount", A,
       "sum(case when payment_method = ... then amount ...): both feed the sum")
      for method in ("credit_card", "coupon", "bank_transfer", "gift_card") for col in ("amount", "payment_method")],
    (M + "stg_payments", "amount", M + "int_order_payments", "total_amount", A, "sum(amount)"),
    # orders: the ephemeral model is inlined as __dbt__cte__int_order_payments; edges name it
    (M + "stg_orders", "order_id", M + "orders", "order_id", P, "through the orders CTE's select *"),
    (M + "stg_orders", "customer_id", M + "orders", "customer_id", P, None),
    (M + "stg_orders", "order_date", M + "orders", "order_date", P, None),
    (M + "stg_orders", "status", M + "orders", "status", P, None),
    *[(M + "int_order_payments", f"{m}_amount", M + "orders", f"{m}_amount", T, "coalesce(..., 0)")
      for m in ("credit_card", "coupon", "bank_transfer", "gift_card")],
    (M + "int_order_payments", "total_amount", M + "orders", "amount", R, "order_payments.total_amount as amount"),
    (M + "int_order_payments", "order_id", M + "orders", None, F,
     "join key only: the output order_id is orders.order_id (stg_orders)"),
    # customer_order_stats: stats.* (select *) plus a literal column
    (M + "orders", "customer_id", M + "customer_order_stats", "customer_id", P, "group by customer_id, selected"),
    (M + "orders", "amount", M + "customer_order_stats", "total_amount", A, "sum(amount) as total_amount"),
    (M + "orders", "order_date", M + "customer_order_stats", "first_order_date", A, "min(order_date)"),
    (M + "orders", "order_date", M + "customer_order_stats", "last_order_date", A, "max(order_date)"),
    # customer_segments
    (M + "customer_order_stats", "customer_id", M + "customer_segments", "customer_id", P, None),
    (M + "customer_order_stats", "n_orders", M + "customer_segments", "n_orders", P, None),
    (M + "customer_order_stats", "total_amount", M + "customer_segments", "total_amount", P, None),
    (M + "customer_order_stats", "n_orders", M + "customer_segments", "segment", T, "case when n_orders >= 5 ..."),
    # orders_daily (incremental): its where-subquery reads the model itself, which is no edge
    (M + "orders", "order_date", M + "orders_daily", "order_date", P,
     "group by order_date, selected; also the incremental filter"),
    (M + "orders", "amount", M + "orders_daily", "revenue_aud", A, "sum(coalesce(amount, 0))"),
    # customers
    (M + "stg_customers", "customer_id", M + "customers", "customer_id", P, "through customers CTE and final"),
    (M + "stg_customers", "first_name", M + "customers", "first_name", P, None),
    (M + "stg_customers", "last_name", M + "customers", "last_name", P, None),
    (M + "stg_orders", "order_date", M + "customers", "first_order", A, "min(order_date) in customer_orders"),
    (M + "stg_orders", "order_date", M + "customers", "most_recent_order", A, "max(order_date)"),
    (M + "stg_orders", "order_id", M + "customers", "number_of_orders", A, "count(order_id)"),
    (M + "stg_payments", "amount", M + "customers", "customer_lifetime_value", A,
     "sum(amount) as total_amount, then renamed: the aggregation names the kind"),
    (M + "stg_orders", "customer_id", M + "customers", None, F,
     "grouping and join key of customer_orders / customer_payments; the output customer_id is stg_customers'"),
    (M + "stg_payments", "order_id", M + "customers", None, F, "join key payments.order_id = orders.order_id"),
    # fct_daily_revenue_usd
    (M + "stg_orders", "order_date", M + "fct_daily_revenue_usd", "order_date", T, "cast(order_date as date)"),
    (M + "stg_orders", "order_id", M + "fct_daily_revenue_usd", "n_orders", A,
     "count(distinct order_id); it is also the join key, but it feeds a column"),
    (M + "int_payments_usd", "amount_usd", M + "fct_daily_revenue_usd", "revenue_usd", A, "sum(p.amount_usd)"),
    (M + "stg_orders", "status", M + "fct_daily_revenue_usd", None, F, "where status not in (...)"),
    (M + "int_payments_usd", "order_id", M + "fct_daily_revenue_usd", None, F, "join key p.order_id"),
    # rpt_revenue_summary: group by 1 is the month expression
    (M + "fct_daily_revenue_usd", "order_date", M + "rpt_revenue_summary", "month", T, "date_trunc('month', ...)"),
    (M + "fct_daily_revenue_usd", "n_orders", M + "rpt_revenue_summary", "n_orders", A, "sum(n_orders)"),
    (M + "fct_daily_revenue_usd", "revenue_usd", M + "rpt_revenue_summary", "revenue_usd", A, "sum(revenue_usd)"),
    # orders_snapshot: select * from the source (its only depends_on)
    *[(SRC + "raw_orders", c, "snapshot.jaffle_shop.orders_snapshot", c, P, "select * from the source")
      for c in ("id", "user_id", "order_date", "status", "_loaded_at")],
]

# Columns (catalog) of the models with no upstream column at all, and why.
NO_UPSTREAM: dict[str, str] = {
    M + "customer_order_stats.n_orders": "count(*): counts rows, reads no column",
    M + "customer_order_stats._noise": "burn.noise * 0, a literal from the burn CTE",
    M + "orders_daily.n_orders": "count(*)",
    M + "orders_daily.computed_at": "current_timestamp",
    "model.jaffle_utils.utils_calendar.date_day": "cast(range as date) over the range() table function",
    **{f"snapshot.jaffle_shop.orders_snapshot.{c}": "added by dbt's snapshot materialization, not in the SQL"
       for c in ("dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to")},
}
