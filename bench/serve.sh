#!/usr/bin/env bash
# Benchmark `pipeline serve`: concurrent self-checks of a realistic submission (the shipped
# valid-TJMU-2021-008-2023-2024.xlsx: 36 students, a year of payments) POSTed to /api/check by
# wrk on loopback with 8 connections, on 2 cores; requests/s, p50/p99 latency, the server's RSS
# after a warm-up and after 10,000 requests, and its peak RSS (VmHWM) — against `pipeline check`
# on the same file in the same run (one process per check, sequential and 8 at once).
# Goal: ≥ 40 checks/s, p99 < 250 ms at 8 clients, memory flat over 10,000 requests. Default
# settings but the per-IP rate of anonymous self-checks, raised: wrk is one client at one address.
# Then a second server's RSS under 100 slow 20 MiB uploads (bench/slow_uploads.py), signed in and
# not (BENCH_SLOW_SECONDS, default 15).
# Environment: BENCH_SERVE_SECONDS (the measured wrk run, default 30), BENCH_SERVE_CPUS (default 2).
# Results: a table on stdout and bench/work/serve-results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${BENCH_SERVE_SECONDS:-30}
cpus=${BENCH_SERVE_CPUS:-2}
file=$PWD/fixtures/inbox/valid-TJMU-2021-008-2023-2024.xlsx
work=bench/work
bin=$PWD/.build/release/pipeline
mkdir -p "$work"
if ! command -v wrk >/dev/null 2>&1; then
  echo "bench/serve.sh: installing wrk" >&2
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk
fi
swift build -c release --product pipeline >&2

dir=$(mktemp -d)
server_pid=
slow_pid=
cleanup() {
  for pid in $server_pid $slow_pid; do
    kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
printf '{"run": {"inbox": "inbox", "out": "out", "store": "out/store.sqlite"},
  "serve": {"checksPerIPPerMinute": 100000000}}\n' >"$dir/pipeline.json"
cpuset=0-$((cpus - 1))
taskset -c "$cpuset" "$bin" serve --config "$dir/pipeline.json" --listen 127.0.0.1:0 \
  >"$dir/serve.out" 2>"$dir/serve.log" &
server_pid=$!
for _ in $(seq 100); do [[ -s $dir/serve.out ]] && break; sleep 0.05; done
url=$(head -n1 "$dir/serve.out" | sed 's/^listening on //')
rss() { awk -v k="$1:" '$1 == k { print $2 / 1024 }' "/proc/$server_pid/status"; }

# The server's answer is the CLI's, byte for byte.
expected=$("$bin" check --format json "$file" || true)
answer=$(curl -s --data-binary @"$file" "$url/api/check?name=$(basename "$file")")
[[ $answer == "$expected" ]] || { echo "bench/serve.sh: /api/check differs from pipeline check" >&2; exit 1; }

export BENCH_SERVE_FILE=$file
run_wrk() { taskset -c "$cpuset" wrk -t2 -c8 -d"$1"s --latency -s bench/serve.lua "$url" | grep '^RESULT'; }
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

run_wrk 5 >/dev/null  # warm-up
rss_warm=$(rss VmRSS)
measured=$(run_wrk "$seconds")
requests=$(field requests "$measured")
rate=$(awk -v r="$requests" -v s="$(field seconds "$measured")" 'BEGIN { printf "%.1f", r / s }')
# Then on, 10 s at a time, until 10,000 requests have been answered after the warm-up: the RSS
# after each stretch shows whether memory grows with the requests or levels off.
series="$requests:$(rss VmRSS)"
while ((requests < 10000)); do
  soak=$(run_wrk 10)
  requests=$((requests + $(field requests "$soak")))
  series="$series $requests:$(rss VmRSS)"
done
rss_after=$(rss VmRSS)
peak=$(rss VmHWM)

# `pipeline check` on the same file: one process per check, 40 in a row, then 200 8 at a time.
cli_seq=$(python3 - "$bin" "$file" "$cpuset" <<'PY'
import statistics, subprocess, sys, time
bin, path, cpus = sys.argv[1:]
times = []
for _ in range(40):
    t = time.perf_counter()
    subprocess.run(["taskset", "-c", cpus, bin, "check", "--format", "json", path], stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
times.sort()
print(f"{statistics.median(times) * 1e3:.1f} {times[int(len(times) * 0.99) - 1] * 1e3:.1f}")
PY
)
start=$(date +%s.%N)
seq 200 | taskset -c "$cpuset" xargs -P 8 -I{} "$bin" check --format json "$file" >/dev/null || true
cli_rate=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", 200 / (e - s) }')

# RSS under 100 slow 20 MiB uploads: a second server, with a college's token and room in its
# budget of bodies in flight for all of them (the default 256 MiB would answer 88 of them 503).
kill -TERM "$server_pid" && wait "$server_pid" || true
server_pid=
slow_seconds=${BENCH_SLOW_SECONDS:-15}
mkdir -p "$dir/slow"
printf '{"run": {"inbox": "inbox"}, "serve": {"maxBodyBytesInFlight": 4294967296}}\n' \
  >"$dir/slow/pipeline.json"
token=$("$bin" token add 基础医学院 --config "$dir/slow/pipeline.json")
taskset -c "$cpuset" "$bin" serve --config "$dir/slow/pipeline.json" --listen 127.0.0.1:0 \
  >"$dir/slow/serve.out" 2>"$dir/slow/serve.log" &
slow_pid=$!
for _ in $(seq 100); do [[ -s $dir/slow/serve.out ]] && break; sleep 0.05; done
slow_port=$(head -n1 "$dir/slow/serve.out" | sed 's/.*://')
slow_signed=$(python3 bench/slow_uploads.py "$slow_port" "$slow_pid" "$slow_seconds" "$token")
slow_anonymous=$(python3 bench/slow_uploads.py "$slow_port" "$slow_pid" 5)
slow_peak=$(awk '$1 == "VmHWM:" { print $2 / 1024 }' "/proc/$slow_pid/status")

printf '\npipeline serve: POST /api/check of %s (%s bytes), wrk 8 connections, %s CPUs\n' \
  "$(basename "$file")" "$(stat -c %s "$file")" "$cpus"
printf '| what | checks/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: |\n'
printf '| `pipeline serve` /api/check, 8 concurrent (%ss) | %s | %s | %s |\n' "$seconds" "$rate" \
  "$(field p50_ms "$measured")" "$(field p99_ms "$measured")"
printf '| `pipeline check`, one process per check, 8 at once | %s | | |\n' "$cli_rate"
printf '| `pipeline check`, one process per check, in a row | %s | %s | %s |\n' \
  "$(awk -v m="${cli_seq% *}" 'BEGIN { printf "%.1f", 1000 / m }')" "${cli_seq% *}" "${cli_seq#* }"
printf 'server RSS: %.1f MB after warm-up, %.1f MB after %d requests more; peak (VmHWM) %.1f MB; errors %s\n' \
  "$rss_warm" "$rss_after" "$requests" "$peak" "$(field errors "$measured")"
printf 'RSS along the way (requests:MB): %s\n' "$(for p in $series; do printf '%s:%.1f ' "${p%%:*}" "${p#*:}"; done)"
printf 'RSS under 100 slow 20 MiB uploads (%s s, signed in): %s\n' "$slow_seconds" "$slow_signed"
printf 'the same without a token (each refused from its header): %s\n' "$slow_anonymous"
printf 'that server'"'"'s peak RSS (VmHWM): %.1f MB\n' "$slow_peak"
cat >"$work/serve-results.json" <<JSON
{"file": "$(basename "$file")", "cpus": $cpus, "connections": 8, "checks_per_s": $rate,
 "p50_ms": $(field p50_ms "$measured"), "p99_ms": $(field p99_ms "$measured"),
 "requests_after_warmup": $requests, "rss_series": "$series", "rss_mb_warm": $rss_warm, "rss_mb_after": $rss_after, "peak_rss_mb": $peak,
 "cli_checks_per_s_8_parallel": $cli_rate, "cli_median_ms": ${cli_seq% *},
 "slow_uploads_signed_in": $slow_signed, "slow_uploads_anonymous": $slow_anonymous,
 "slow_uploads_peak_rss_mb": $slow_peak}
JSON
