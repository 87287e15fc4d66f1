-- wrk script for bench/serve.sh: every request POSTs the workbook named by $BENCH_SERVE_FILE to
-- /api/check, as a tool would.
local file = assert(io.open(os.getenv("BENCH_SERVE_FILE"), "rb"))
wrk.method = "POST"
wrk.path = "/api/check"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

local non200 = 0
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
      + summary.errors.timeout))
end
