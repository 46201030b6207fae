#!/usr/bin/env bash
# Loads a synthdata CSV output directory into PostgreSQL and checks it with SQL:
# row counts against the manifest, and the balance of every journal entry.
#
#   docs/snippets/load_postgres.sh OUTPUT_DIR [psql connection arguments...]
#   e.g. docs/snippets/load_postgres.sh output -h 127.0.0.1 -p 5432 -U postgres -d synth
#
# SYNTHDATA names the binary (default: synthdata on PATH). Exit 0 when everything matches.
set -euo pipefail
dir=$1
shift
synthdata=${SYNTHDATA:-synthdata}
export PGOPTIONS="${PGOPTIONS:--c client_min_messages=warning}"
psql=(psql -v ON_ERROR_STOP=1 -q -X "$@")

# 1. The tables, with the right column types (uuid, bigint, numeric(18,2), date, text),
#    their primary keys, and the foreign keys between them (checked at the commit of 2).
#    Every table the schema has is dropped first (with the foreign keys between them).
tables=$("$synthdata" schema --json | python3 -c 'import json,sys; print(" ".join(t["table"] for t in json.load(sys.stdin)))')
for t in $tables; do "${psql[@]}" -c "DROP TABLE IF EXISTS $t CASCADE"; done
"$synthdata" schema --sql postgres | "${psql[@]}"

# 2. The data: one \copy per file (a rotated table has several).
python3 - "$dir/manifest.json" <<'PY' > "$dir/.load.sql"
import json, sys
m = json.load(open(sys.argv[1]))
import os
base = os.path.dirname(os.path.abspath(sys.argv[1]))
for t in m["tables"]:
    for f in t["files"]:
        path = os.path.join(base, f["path"]).replace("'", "''")
        print(f"\\copy {t['table']} FROM '{path}' WITH (FORMAT csv, HEADER true)")
PY
"${psql[@]}" --single-transaction -f "$dir/.load.sql"   # foreign keys checked at commit
rm -f "$dir/.load.sql"

# 3. Row counts: the database holds exactly what the manifest says was written.
python3 - "$dir/manifest.json" <<'PY' > "$dir/.expected"
import json, sys
for t in json.load(open(sys.argv[1]))["tables"]:
    print(t["table"], t["rows"])
PY
while read -r t rows; do
    got=$("${psql[@]}" -A -t -c "SELECT count(*) FROM $t")
    if [ "$got" != "$rows" ]; then
        echo "FAIL: $t has $got rows in PostgreSQL, the manifest says $rows" >&2
        exit 1
    fi
    echo "ok: $t $got rows"
done < "$dir/.expected"
rm -f "$dir/.expected"

# 4. Every entry balances, every line belongs to an entry, and line_count is right.
unbalanced=$("${psql[@]}" -A -t -c "
    SELECT count(*) FROM (
        SELECT entry_id FROM journal_lines GROUP BY entry_id
        HAVING sum(debit) <> sum(credit)) x")
orphans=$("${psql[@]}" -A -t -c "
    SELECT count(*) FROM journal_lines l
    LEFT JOIN journal_entries e ON e.entry_id = l.entry_id WHERE e.entry_id IS NULL")
miscounted=$("${psql[@]}" -A -t -c "
    SELECT count(*) FROM journal_entries e
    JOIN (SELECT entry_id, count(*) n FROM journal_lines GROUP BY entry_id) l USING (entry_id)
    WHERE l.n <> e.line_count")
# The keys were enforced: every primary and foreign key of the schema exists.
keys=$("${psql[@]}" -A -t -c "SELECT count(*) FILTER (WHERE contype = 'p') || ' primary, ' ||
    count(*) FILTER (WHERE contype = 'f') || ' foreign' FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace")
echo "keys enforced: $keys"
case "$keys" in "26 primary, 52 foreign") ;; *) echo "FAIL: expected 26 primary and 52 foreign keys" >&2; exit 1;; esac
echo "unbalanced entries: $unbalanced, orphan lines: $orphans, wrong line counts: $miscounted"
[ "$unbalanced" = 0 ] && [ "$orphans" = 0 ] && [ "$miscounted" = 0 ]
