#!/usr/bin/env bash
# Benchmark validation: `pipeline check` (read + normalize + validate) against `pipeline dump
# --stats` (the read alone) on one valid submission whose 补助发放 has 50,000 payment rows.
# Run from anywhere (`make bench` can call it after bench/run.sh). Environment:
#   BENCH_RUNS=N          timed runs per command (default 5)
#   BENCH_CHECK_ROWS=N    payment rows of the generated submission (default 50000)
# Results: a table on stdout and bench/work/check-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/bench-venv
work=bench/work
bin=.build/release/pipeline
rows=${BENCH_CHECK_ROWS:-50000}
mkdir -p "$work"

# The generator needs XlsxWriter from the venv bench/run.sh sets up (same marker, same pins).
if [[ ! -x $venv/bin/python ]]; then
  python3 -m venv "$venv"
fi
if [[ ! -f $venv/.installed || bench/requirements.txt -nt $venv/.installed ]]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/requirements.txt
  touch "$venv/.installed"
fi

# Always (a no-op when up to date): a stale binary would time old code.
swift build -c release --product pipeline >&2

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
