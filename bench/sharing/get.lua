-- wrk script: GET one path with a bearer token; TOKEN and PATH_ come from the environment
-- (run-sharing-bench.sh sets them). Prints one line: requests/s, p50/p95/p99/max, errors.
local headers = { ["Authorization"] = "Bearer " .. os.getenv("TOKEN"), ["Accept"] = "application/fhir+json" }
local path = os.getenv("PATH_")

request = function()
  return wrk.format("GET", path, headers)
end

done = function(summary, latency, requests)
  io.write(string.format("req/s %.0f  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms  errors %d (non-2xx %d)\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
