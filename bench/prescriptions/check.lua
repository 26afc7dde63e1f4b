-- wrk script: POST /prescriptions/check for a random patient of the seeded population.
-- PATIENTS, TOKEN and BODY come from the environment (run-prescription-bench.sh sets them).
local patients = tonumber(os.getenv("PATIENTS"))
local token = os.getenv("TOKEN")
local body = os.getenv("BODY")
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

request = function()
  return wrk.format("POST", "/prescriptions/check?patient=b" .. math.random(0, patients - 1), headers, body)
end

done = function(summary, latency, requests)
  io.write(string.format("checks/s %.0f  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms  errors %d (non-2xx %d)\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
