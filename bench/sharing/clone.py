#!/usr/bin/env python3
"""SQL that copies one template patient's stored resources N-1 times into the engine's tables.

    clone.py sqlite|postgres TEMPLATE_ID COUNT < columns.tsv > clone.sql

columns.tsv lists `table<TAB>column` for every engine table holding resource rows and every service
table of per-item rows keyed by `resource_id` and `patient_key` (the bench script
reads it from the database's catalogue, so the copy follows the schema of the build it measures).
Every copy gets ids suffixed `-g`, the compartment `Patient/TEMPLATE-g` and references to the template
patient turned to its copy; the stored JSON of a copy is a token `{}` (nothing reads a background
patient's JSON: they exist to make the tables and their indexes the size of a population). Loading a hundred
thousand patients through the API would take this machine hours; the patient that is measured is
written through the real API.
"""
import sys
from collections import OrderedDict

store, template, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
tables = OrderedDict()
for line in sys.stdin:
    table, column = line.rstrip("\n").split("\t")
    tables.setdefault(table, []).append(column)

cat = "||"
gen = "bench_gen"
out = []
if store == "sqlite":
    out.append(f"CREATE TEMP TABLE {gen} (g INTEGER PRIMARY KEY);")
    out.append(f"WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {count - 1}) INSERT INTO {gen} SELECT g FROM s;")
else:
    out.append(f"CREATE TEMP TABLE {gen} AS SELECT g FROM generate_series(1, {count - 1}) g;")
out.append(f"CREATE TEMP TABLE bench_tpl AS SELECT resource_type, id FROM resources WHERE shard_key = 'Patient/{template}' OR (resource_type = 'Patient' AND id = '{template}');")
out.append("BEGIN;")
for table, columns in tables.items():
    if {"resource_id", "patient_key"} <= set(columns):
        # A service's per-patient rows beside the resources (sharing_items): copied with their patient.
        exprs = [f"t.resource_id {cat} '-' {cat} CAST(x.g AS TEXT)" if c == "resource_id"
                 else f"'Patient/{template}-' {cat} CAST(x.g AS TEXT)" if c == "patient_key"
                 else f"t.{c}" for c in columns]
        out.append(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM {table} t CROSS JOIN {gen} x WHERE t.patient_key = 'Patient/{template}';")
        continue
    if not {"resource_type", "id"} <= set(columns):
        continue
    columns = [c for c in columns if c != "seq"]
    exprs = []
    for c in columns:
        if c == "id":
            exprs.append(f"t.id {cat} '-' {cat} CAST(x.g AS TEXT)")
        elif c == "shard_key":
            exprs.append(f"CASE WHEN t.shard_key = 'Patient/{template}' THEN 'Patient/{template}-' {cat} CAST(x.g AS TEXT) ELSE t.shard_key END")
        elif c == "data":
            # A background patient's stored JSON is never read: a token body keeps the copy small.
            exprs.append("CAST('{}' AS BLOB)" if store == "sqlite" else "'\\x7b7d'::bytea")
        elif c == "target_id":
            exprs.append(f"CASE WHEN t.target_type = 'Patient' AND t.target_id = '{template}' THEN '{template}-' {cat} CAST(x.g AS TEXT) ELSE t.target_id END")
        else:
            exprs.append(f"t.{c}")
    out.append(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM {table} t JOIN bench_tpl k ON k.resource_type = t.resource_type AND k.id = t.id CROSS JOIN {gen} x;")
out.append("COMMIT;")
out.append("ANALYZE;")
print("\n".join(out))
