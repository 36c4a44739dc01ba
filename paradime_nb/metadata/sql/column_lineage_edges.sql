-- Every column edge of one derivation.
SELECT source_id, source_column, target_id, target_column, kind
FROM column_lineage_edges
WHERE lineage_key = $lineage_key
