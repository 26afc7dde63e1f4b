#!/usr/bin/env bash
# Writes a wrk Lua script that POSTs eligibility checks for persons drawn from the server's own
# eligibility index, with a fresh token of the demo client.
#
#   bench/eligibility/wrk-bodies.sh sqlite|postgres DB PORT SECRET KIND COUNT > check.lua
#     DB: the SQLite file, or a psql connection string; KIND: json (POST /eligibility/check) or
#     fhir (POST /fhir/CoverageEligibilityRequest/$submit)
#   wrk -t2 -c32 -d30s -s check.lua --latency http://127.0.0.1:PORT/eligibility/check
#   bench/eligibility/cpucost.py SERVER_PID check.lua URL 30s   # the same, with CPU per request
set -euo pipefail
STORE=$1; DB=$2; PORT=$3; SECRET=$4; KIND=$5; COUNT=${6:-5000}
SQL="SELECT q.insurer_number, q.symbol, q.number, q.branch, BIRTH FROM eligibility_qualifications q
  JOIN resources r ON r.resource_type = 'Patient' AND r.id = q.patient_id
  JOIN resource_versions v ON v.resource_type = 'Patient' AND v.id = q.patient_id AND v.version_id = r.version_id
  ORDER BY random() LIMIT $COUNT"
if [[ $STORE == sqlite ]]; then
  BIRTH="json_extract(CAST(v.data AS TEXT), '\$.birthDate')"
  ROWS=$(sqlite3 -readonly "$DB" "${SQL/BIRTH/$BIRTH}")
else
  BIRTH="convert_from(v.data, 'UTF8')::json->>'birthDate'"
  ROWS=$(psql "$DB" -At -F'|' -c "${SQL/BIRTH/$BIRTH}")
fi
TOKEN=$(curl -s "http://127.0.0.1:$PORT/connect/token" -u "demo:$SECRET" -d grant_type=client_credentials | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
echo 'local bodies = {'
while IFS='|' read -r INS SYM NUM BR BD; do
  if [[ $KIND == fhir ]]; then
    printf '  [[{"resourceType":"CoverageEligibilityRequest","status":"active","purpose":["validation"],"created":"2026-01-01","contained":[{"resourceType":"Patient","id":"p","identifier":[{"system":"http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID","value":"%s:%s:%s:%s"}],"birthDate":"%s"}],"patient":{"reference":"#p"},"insurer":{"identifier":{"system":"urn:oid:1.2.392.100495.20.3.61","value":"%s"}}}]],\n' "$INS" "$SYM" "$NUM" "$BR" "$BD" "$INS"
  else
    printf '  [[{"insuranceCard":{"insurerNumber":"%s","symbol":"%s","number":"%s","branch":"%s","birthDate":"%s"}}]],\n' "$INS" "$SYM" "$NUM" "$BR" "$BD"
  fi
done <<< "$ROWS"
echo '}'
[[ $KIND == fhir ]] && TYPE=application/fhir+json || TYPE=application/json
cat <<LUA
math.randomseed(os.time())
wrk.method = "POST"
wrk.headers["Content-Type"] = "$TYPE"
wrk.headers["Authorization"] = "Bearer $TOKEN"
request = function() return wrk.format(nil, nil, nil, bodies[math.random(#bodies)]) end
-- wrk's --latency table has no 95th percentile.
done = function(summary, latency, requests)
  io.write(string.format("p95 %.2fms p99.9 %.2fms\n", latency:percentile(95) / 1000, latency:percentile(99.9) / 1000))
end
LUA
