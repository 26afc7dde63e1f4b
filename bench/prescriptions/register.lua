-- wrk script: POST /prescriptions with one signed prescription (each call registers a new one).
local token = os.getenv("TOKEN")
local body = io.open(os.getenv("BODY_FILE")):read("*a")
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

request = function()
  return wrk.format("POST", "/prescriptions", headers, body)
end

done = function(summary, latency, requests)
  io.write(string.format("registrations/s %.0f  p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  errors %d (non-2xx %d)\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
