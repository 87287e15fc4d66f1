#!/usr/bin/env bash
# Benchmark validation: `pipeline check` (read + normalize + validate) against `pipeline dump
# --stats` (the read alone) on one valid submission whose 补助发放 has 50,000 payment rows.
# Run from anywhere (`make bench` can call it after bench/run.sh). Environment:
#   BENCH_RUNS=N          timed runs per command (default 5)
#   BENCH_CHECK_ROWS=N    payment rows of the generated submission (default 50000)
# Results: a table on stdout and bench/work/check-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${BENCH_CHECK_ROWS:-50000}
source bench/setup.sh

# Deterministic; generated once, and again when the generator changes (via a temporary name,
# so an interrupted generation is never mistaken for a finished file).
file=$work/check-$rows.xlsx
if [[ ! -f $file || fixtures/make_fixtures.py -nt $file ]]; then
  echo "generating $file" >&2
  "$venv/bin/python" fixtures/make_fixtures.py --big "$rows" "$file.tmp.xlsx" >&2
  mv "$file.tmp.xlsx" "$file"
fi

exec "$venv/bin/python" bench/check_harness.py --file "$file" --rows "$rows" --pipeline "$bin" \
  --runs "${BENCH_RUNS:-5}" --json "$work/check-results.json"
