# Sourced by the bench scripts: the Python venv with the peers and XlsxWriter (reinstalled only
# when requirements.txt changes), and an up-to-date release binary (a stale one would time old
# code). Sets $venv, $work and $bin.
venv=.build/bench-venv
work=bench/work
bin=.build/release/pipeline
mkdir -p "$work"
if [[ ! -x $venv/bin/python ]]; then
  python3 -m venv "$venv"
fi
if [[ ! -f $venv/.installed || bench/requirements.txt -nt $venv/.installed ]]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/requirements.txt
  touch "$venv/.installed"
fi
if [[ -z ${BENCH_SKIP_PIPELINE:-} ]]; then
  swift build -c release --product pipeline >&2
fi
