#!/usr/bin/env bash
# Benchmark the batch against a store with a history (issue 16, SPEC §10: `pipeline run` reads
# every accepted report of the store and checks each submission against the station's earlier
# years): the 2023-2024 inbox of bench/batch.sh (500 stations), timed from an empty store and
# from a copy of a store already holding the same stations' four earlier years (2019-2020 …
# 2022-2023, 2,000 accepted reports), the two interleaved in the same rounds. Goal: with the
# history, fresh runs within 10 % of the empty store's submissions/s.
# Run from anywhere (`make bench` runs it from the repo root, after bench/batch.sh). Environment:
#   BENCH_RUNS=N            timed rounds (each: a fresh run and a rerun on both stores; default 3)
#   BENCH_BATCH_FILES=N     stations, submissions per year (default 500)
#   BENCH_BATCH_CPUS=N      CPUs the runs are pinned to (default 2)
#   BENCH_HISTORY_YEARS=N   earlier years in the store (default 4)
# The earlier years' inboxes and the store are built once under bench/work/batch-N-history/ (the
# store again when the generator's inboxes or the binary change: a run of the release binary over
# each year's inbox, oldest first, every report checked). Results: a table on stdout and
# bench/work/batch-history-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

files=${BENCH_BATCH_FILES:-500}
years=${BENCH_HISTORY_YEARS:-4}
source bench/setup.sh

# An inbox of the generator's, made once, and again when the generator changes (into a
# temporary folder renamed when complete, as bench/batch.sh does).
inbox() {
  local target=$1
  shift
  if [[ ! -f $target/EXPECTED.tsv || fixtures/make_fixtures.py -nt $target/EXPECTED.tsv ]]; then
    echo "generating $target" >&2
    mkdir -p "$(dirname "$target")"
    rm -rf "$target" "$target.tmp"
    "$venv/bin/python" fixtures/make_fixtures.py --batch "$files" "$target.tmp" "$@" >&2
    mv "$target.tmp" "$target"
  fi
}

inbox "$work/batch-$files/inbox"
dir=$work/batch-$files-history
history=()
for ((y = 2023 - years; y < 2023; y++)); do
  inbox "$dir/$y-$((y + 1))/inbox" --year "$y"
  history+=("$dir/$y-$((y + 1))")
done

"$venv/bin/python" bench/batch_history_harness.py build --dir "$dir" --pipeline "$bin" \
  --cpus "${BENCH_BATCH_CPUS:-2}" --history "${history[@]}"
exec "$venv/bin/python" bench/batch_history_harness.py time --dir "$dir" --pipeline "$bin" \
  --inbox "$work/batch-$files/inbox" --runs "${BENCH_RUNS:-3}" --cpus "${BENCH_BATCH_CPUS:-2}" \
  --json "$work/batch-history-results.json"
