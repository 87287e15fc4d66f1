#!/usr/bin/env bash
# Benchmark the batch end to end: `pipeline run` over an inbox of realistic submissions (default
# 500: distinct stations of 10–60 students with a year of payments, ~10% with a few errors, two
# unreadable), as a whole process on 2 cores, from a fresh out/ and store and again as a rerun
# with everything stored. Goal: ≥ 50 submissions/s.
# Run from anywhere (`make bench` runs it from the repo root). Environment:
#   BENCH_RUNS=N           timed rounds (a fresh run and a rerun each; default 3)
#   BENCH_BATCH_FILES=N    submissions in the inbox (default 500)
#   BENCH_BATCH_CPUS=N     CPUs the runs are pinned to (default 2)
# Results: a table on stdout and bench/work/batch-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

files=${BENCH_BATCH_FILES:-500}
source bench/setup.sh

# Deterministic; generated once, and again when the generator changes (into a temporary folder
# renamed when complete, so an interrupted generation is never mistaken for a finished inbox).
dir=$work/batch-$files
inbox=$dir/inbox
if [[ ! -f $inbox/EXPECTED.tsv || fixtures/make_fixtures.py -nt $inbox/EXPECTED.tsv ]]; then
  echo "generating $inbox" >&2
  mkdir -p "$dir"
  rm -rf "$inbox" "$inbox.tmp"
  "$venv/bin/python" fixtures/make_fixtures.py --batch "$files" "$inbox.tmp" >&2
  mv "$inbox.tmp" "$inbox"
fi

exec "$venv/bin/python" bench/batch_harness.py --dir "$dir" --pipeline "$bin" \
  --runs "${BENCH_RUNS:-3}" --cpus "${BENCH_BATCH_CPUS:-2}" --json "$work/batch-results.json"
