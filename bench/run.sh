#!/usr/bin/env bash
# Benchmark `pipeline dump --stats` against python-calamine, fastexcel and openpyxl.
# Run from anywhere (`make bench` runs it from the repo root). Environment:
#   BENCH_RUNS=N            timed runs per tool (default 5)
#   BENCH_SKIP_PIPELINE=1   time only the peers (no build, no ratios or goals)
# Results: a table on stdout and bench/work/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/setup.sh
pipeline_args=()
if [[ -z ${BENCH_SKIP_PIPELINE:-} ]]; then
  pipeline_args=(--pipeline "$bin")
fi

# Workbooks are deterministic; generate once (via a temporary name, so an interrupted
# generation is never mistaken for a finished file).
for rows in 200000 50000; do
  file=$work/subsidy-$rows.xlsx
  if [[ ! -f $file ]]; then
    echo "generating $file" >&2
    "$venv/bin/python" bench/gen_subsidy.py "$rows" "$file.tmp.xlsx"
    mv "$file.tmp.xlsx" "$file"
  fi
done

exec "$venv/bin/python" bench/harness.py \
  --big "$work/subsidy-200000.xlsx" --small "$work/subsidy-50000.xlsx" \
  --runs "${BENCH_RUNS:-5}" --json "$work/results.json" "${pipeline_args[@]}"
