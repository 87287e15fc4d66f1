#!/usr/bin/env bash
# Load (issue 6): a batch of 2,000 submissions through `pipeline run`, and one submission whose
# 补助发放 sheet has 1,000,000 rows through `pipeline check` (against the plain read, `dump
# --stats`). Time and peak RSS of each, one timed round after a warm-up, through the same
# harnesses as bench/batch.sh and bench/check.sh. Not part of `make bench` (it takes minutes
# to generate its inputs the first time); `make load` runs it. Environment:
#   LOAD_FILES=N   submissions in the batch (default 2000)
#   LOAD_ROWS=N    rows of the big sheet (default 1000000)
#   BENCH_RUNS=N   timed rounds (default 1)
# Results: tables on stdout, bench/work/batch-results.json and bench/work/check-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_RUNS=${BENCH_RUNS:-1}
BENCH_BATCH_FILES=${LOAD_FILES:-2000} bash bench/batch.sh
BENCH_SKIP_PIPELINE=1 BENCH_CHECK_ROWS=${LOAD_ROWS:-1000000} bash bench/check.sh
