#!/usr/bin/env bash
# Benchmark the annotated copy: `pipeline run` on a one-file inbox holding a submission of 200,000
# payment rows with ~1% of its cells in issues (16,000 payments paid short: SUB-003), against
# `pipeline check` of the same file (the difference is the annotation and the reports) and a plain
# C libxlsxwriter write of the same cells, formats, fills and comments (bench/c_write.c). Goal:
# the annotation within 0.5× the C write (issue 13: the copy is the submission patched, not rebuilt).
# Run from anywhere (`make bench` runs it from the repo root). Environment:
#   BENCH_RUNS=N               timed runs per command (default 3)
#   BENCH_ANNOTATE_ROWS=N      payment rows of the generated submission (default 200000)
#   BENCH_ANNOTATE_ISSUES=N    payments paid short, one issue each (default 8% of the rows:
#                              ~1% of all cells)
# Results: a table on stdout and bench/work/annotate-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${BENCH_ANNOTATE_ROWS:-200000}
issues=${BENCH_ANNOTATE_ISSUES:-$((rows * 8 / 100))}
source bench/setup.sh

# Deterministic; generated once, and again when a generator changes (via temporary names, so an
# interrupted generation is never mistaken for a finished file). The dump depends on what the
# pipeline reports, so it is remade when the binary changes too.
dir=$work/annotate
mkdir -p "$dir"
file=$work/annotate-$rows-$issues.xlsx
if [[ ! -f $file || fixtures/make_fixtures.py -nt $file ]]; then
  echo "generating $file" >&2
  "$venv/bin/python" fixtures/make_fixtures.py --big "$rows" "$file.tmp.xlsx" --short-paid "$issues" >&2
  mv "$file.tmp.xlsx" "$file"
fi
dump=$work/annotate-$rows-$issues.tsv
if [[ ! -f $dump || $file -nt $dump || bench/annotate_prep.py -nt $dump || $bin -nt $dump ]]; then
  echo "dumping $file for the C writer" >&2
  "$venv/bin/python" bench/annotate_prep.py --pipeline "$bin" --file "$file" --out "$dump"
fi
cwrite=$work/c_write
if [[ ! -x $cwrite || bench/c_write.c -nt $cwrite ]]; then
  # shellcheck disable=SC2046  # pkg-config prints several words
  gcc -O2 -Wall -Wextra bench/c_write.c -o "$cwrite" $(pkg-config --cflags --libs xlsxwriter)
fi

exec "$venv/bin/python" bench/annotate_harness.py --dir "$dir" --file "$file" --dump "$dump" \
  --pipeline "$bin" --c-write "$cwrite" --rows "$rows" --runs "${BENCH_RUNS:-3}" \
  --json "$work/annotate-results.json"
