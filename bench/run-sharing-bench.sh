#!/usr/bin/env bash
# Patient summary ($summary) and emergency summary ($emergency-summary) latency for a patient with
# YEARS of history from INSTITUTIONS institutions, inside a population of PATIENTS patients, on a
# throw-away server (docs/sharing.md, docs/performance.md "EHR information sharing").
#
#   bench/run-sharing-bench.sh sqlite|postgres
#
# Settings (environment): PATIENTS (100000), INSTITUTIONS (10), YEARS (5), CONC (4) concurrent
# callers, DUR (20s) per round, ROUNDS (2), PORT (8490), SKIP_BUILD=1, HOLD=1 (keep the server after
# the rounds for profiling: its address, patient and tokens in /tmp/kakehashi-sharing-bench.env).
# The measured patient's history is submitted through the real API, one clinical-items Bundle per
# institution per year. The population around it is one lighter patient (one institution: 4
# diagnoses, an allergy, 6 results, a prescription) copied in SQL (bench/sharing/clone.py). Every measured request is a full HTTP request: token,
# role policy, consent or emergency grant, audit row, the item searches and the generated document.
# Needs wrk, jq, openssl, python3, sqlite3 (SQLite) or the PostgreSQL server binaries.
set -euo pipefail
STORE=${1:-sqlite}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT=${PORT:-8490}
PATIENTS=${PATIENTS:-100000}
INSTITUTIONS=${INSTITUTIONS:-10}
YEARS=${YEARS:-5}
CONC=${CONC:-4}
DUR=${DUR:-20s}
ROUNDS=${ROUNDS:-2}
TMP=$(mktemp -d /tmp/kakehashi-sharing-bench.XXXXXX)
chmod 755 "$TMP"
SPID=""; PG_BIN=""; PG_DATA=""
log() { echo "[sharing-bench] $*" >&2; }
as_pg() { if [[ "$(id -u)" -eq 0 ]]; then (cd "$TMP" && runuser -u postgres -- "$@"); else "$@"; fi; }
cleanup() {
  set +e
  [[ -n "$SPID" ]] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
  [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1
  rm -rf -- "$TMP"
}
trap cleanup EXIT
cd "$ROOT"
[[ "${SKIP_BUILD:-0}" == 1 ]] || dotnet build src/Kakehashi.Server -c Release -v q -nologo >/dev/null

secret=$(openssl rand -hex 16)
declare -a ENV=(Kakehashi__SeedDemoData=false "Urls=http://127.0.0.1:$PORT" "Kakehashi__Storage__DataDirectory=$TMP/data"
  Kakehashi__Security__DemoClient__Enabled=true "Kakehashi__Security__DemoClient__Secret=$secret"
  "Kakehashi__Security__DemoClient__Scopes=system/*.cruds" Kakehashi__Security__AccessTokenMinutes=60
  Kakehashi__Security__EmergencyAccessMinutes=60 Logging__LogLevel__Default=Warning)
if [[ "$STORE" == postgres ]]; then
  for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && PG_BIN="$d"; done
  PG_DATA="$TMP/pg"; mkdir -p "$PG_DATA" "$TMP/sock"
  [[ "$(id -u)" -eq 0 ]] && chown -R postgres: "$PG_DATA" "$TMP/sock" "$TMP"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  PG_PORT=$((PORT + 1000))
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$TMP/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$TMP/sock -c max_connections=200" start >/dev/null
  PSQL=("$PG_BIN/psql" -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
  "${PSQL[@]}" -c "CREATE DATABASE kakehashi_bench" >/dev/null
  ENV+=(Kakehashi__Storage__Provider=Postgres "Kakehashi__Storage__ConnectionString=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=kakehashi_bench;Maximum Pool Size=64")
else
  ENV+=(Kakehashi__Storage__Provider=Sqlite)
fi
( cd "$TMP" && exec env "${ENV[@]}" "$ROOT/src/Kakehashi.Server/bin/Release/net10.0/Kakehashi.Server" > "$TMP/server.log" 2>&1 ) &
SPID=$!
B=http://127.0.0.1:$PORT
for _ in $(seq 1 240); do curl -sf $B/fhir/metadata >/dev/null && break; sleep 0.5; done
curl -sf $B/fhir/metadata >/dev/null || { tail -30 "$TMP/server.log"; exit 1; }
op=$(curl -s $B/connect/token -u "demo:$secret" -d grant_type=client_credentials -d "scope=system/*.cruds" | jq -r .access_token)
[[ -n "$op" && "$op" != null ]] || { log "no operator token"; tail -20 "$TMP/server.log"; exit 1; }

post() { curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $op" -H "Content-Type: application/json" -X POST "$B$1" -d "$2"; }
fhir() { curl -s -H "Authorization: Bearer $2" -H "Content-Type: application/fhir+json" -X POST "$B/fhir/$1" --data-binary @-; }
institution() { python3 -c '
import sys
d="1312%05d" % int(sys.argv[1]); s=0
for i,c in enumerate(reversed(d)):
    n=int(c)*(2 if i%2==0 else 1); s+= n-9 if n>9 else n
print(d+str((10-s%10)%10))' "$1"; }
openssl genrsa -out "$TMP/k.pem" 2048 2>/dev/null
n=$(openssl rsa -in "$TMP/k.pem" -noout -modulus | cut -d= -f2 | xxd -r -p | base64 -w0 | tr '+/' '-_' | tr -d '=')
jwks="{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"use\":\"sig\",\"alg\":\"RS384\",\"n\":\"$n\",\"e\":\"AQAB\"}]}"
b64() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
# A hospital doctor's client at institution $1 (client credentials with a signed assertion); prints its token.
doctor() {
  local code=$1 client="bench-doctor-$1"
  [[ $(post /admin/organizations "{\"code\":\"$code\",\"kind\":\"hospital\",\"name\":\"Bench hospital $code\"}") == 201 ]] || { log "organization $code refused"; exit 1; }
  [[ $(post /admin/clients "$(jq -n --arg j "$jwks" --arg c "$code" --arg id "$client" '{clientId:$id,organizationCode:$c,role:"doctor",jwks:$j,scopes:"system/*.cruds"}')") == 201 ]] || { log "client refused"; exit 1; }
  local now hdr pl sig
  now=$(date +%s)
  hdr=$(printf '{"alg":"RS384","typ":"JWT","kid":"k1"}' | b64)
  pl=$(printf '{"iss":"%s","sub":"%s","aud":"%s/connect/token","jti":"%s","iat":%d,"exp":%d}' "$client" "$client" "$B" "$(openssl rand -hex 8)" "$now" $((now+240)) | b64)
  sig=$(printf '%s.%s' "$hdr" "$pl" | openssl dgst -sha384 -sign "$TMP/k.pem" -binary | b64)
  curl -s $B/connect/token -d grant_type=client_credentials -d client_id="$client" \
    -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d "client_assertion=$hdr.$pl.$sig" -d 'scope=system/*.cruds' | jq -r .access_token
}
declare -a CODES TOKENS
for i in $(seq 1 "$INSTITUTIONS"); do CODES[$i]=$(institution "$i"); TOKENS[$i]=$(doctor "${CODES[$i]}"); done
patient() { fhir Patient "$op" <<<"{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"$1\",\"given\":[\"太郎\"]}],\"gender\":\"male\",\"birthDate\":\"1958-04-01\"}" | jq -r .id; }
# Institution $2 submits year $3 (0 = this year) of patient $1's clinical items.
submit() {
  local code=${CODES[$2]}
  python3 bench/sharing/items.py --patient "$1" --institution "$code" --year "$3" --seed "$2" ${4:-} > "$TMP/items.json"
  local answer
  answer=$(curl -s -w " %{http_code}" -H "Authorization: Bearer ${TOKENS[$2]}" -H "Content-Type: application/fhir+json" -X POST "$B/fhir/Patient/$1/\$submit-clinical-items" --data-binary @"$TMP/items.json")
  [[ "$answer" == *" 200" || "$answer" == *" 201" ]] || { log "submission refused: ${answer:0:800}"; exit 1; }
}

log "the measured patient: $YEARS years from $INSTITUTIONS institutions"
target=$(patient 計測)
start=$(date +%s)
for i in $(seq 1 "$INSTITUTIONS"); do for y in $(seq $((YEARS - 1)) -1 0); do submit "$target" "$i" "$y"; done; done
log "submitted in $(( $(date +%s) - start )) s: $(curl -s -H "Authorization: Bearer $op" "$B/fhir/Observation?patient=$target&_summary=count" | jq .total) observations, $(curl -s -H "Authorization: Bearer $op" "$B/fhir/Condition?patient=$target&_summary=count" | jq .total) conditions"

log "the population: one patient of one institution's year, copied to $PATIENTS patients"
tpl=$(patient 背景)
submit "$tpl" 1 0 --light
start=$(date +%s)
if [[ "$STORE" == postgres ]]; then
  "${PSQL[@]}" -d kakehashi_bench -At -F $'\t' -c "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND (table_name IN ('resources', 'resource_versions', 'contained_resources', 'sharing_items') OR table_name LIKE 'idx\_%') ORDER BY table_name, ordinal_position" \
    | python3 bench/sharing/clone.py postgres "$tpl" "$PATIENTS" | "${PSQL[@]}" -d kakehashi_bench >/dev/null
else
  DB="$TMP/data/kakehashi.db"
  # One transaction of millions of index rows: a cache that holds them keeps SQLite from spilling
  # pages to the WAL again and again (with the default 2 MB the WAL passed 19 GB at 100,000 patients).
  for t in $(sqlite3 "$DB" "SELECT name FROM sqlite_master WHERE type = 'table' AND (name IN ('resources', 'resource_versions', 'contained_resources', 'sharing_items') OR name LIKE 'idx\_%' ESCAPE '\\')"); do
    sqlite3 "$DB" "SELECT '$t', name FROM pragma_table_info('$t')" | tr '|' '\t'
  done | python3 bench/sharing/clone.py sqlite "$tpl" "$PATIENTS" | (echo "PRAGMA busy_timeout = 60000; PRAGMA cache_size = -4000000;"; cat) | sqlite3 "$DB" >/dev/null
fi
log "copied in $(( $(date +%s) - start )) s: $(curl -s -H "Authorization: Bearer $op" "$B/fhir/Patient?_summary=count" | jq .total) patients"

# The first institution has the patient's consent; the second's doctor breaks the glass.
now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00); until=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%S+00:00)
fhir Consent "$op" >/dev/null <<JSON
{"resourceType":"Consent","status":"active","scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
 "category":[{"coding":[{"system":"http://kakehashi.jp/fhir/CodeSystem/consent-category","code":"clinical-items"}]},{"coding":[{"system":"http://kakehashi.jp/fhir/CodeSystem/consent-category","code":"medication"}]}],
 "patient":{"reference":"Patient/$target"},"dateTime":"$now",
 "provision":{"type":"permit","period":{"start":"$now","end":"$until"},"actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
   "reference":{"identifier":{"system":"http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no","value":"${CODES[1]}"}}}]}}
JSON
emergency=${TOKENS[2]}
grant=$(curl -s -w " %{http_code}" -H "Authorization: Bearer $emergency" -H "Content-Type: application/fhir+json" -X POST "$B/fhir/Patient/$target/\$emergency-access" \
  -d '{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"意識障害で救急搬送"}]}')
[[ "$grant" == *" 200" ]] || { log "emergency access refused: ${grant:0:400}"; exit 1; }

summary=$(curl -s -H "Authorization: Bearer ${TOKENS[1]}" "$B/fhir/Patient/$target/\$summary")
echo "$summary" | jq -e '.resourceType == "Bundle"' >/dev/null || { log "summary refused: ${summary:0:400}"; exit 1; }
log "summary: $(echo "$summary" | jq -c '{entries: (.entry | length), bytes: (tostring | length)}')"
esummary=$(curl -s -H "Authorization: Bearer $emergency" "$B/fhir/Patient/$target/\$emergency-summary")
echo "$esummary" | jq -e '.resourceType' >/dev/null || { log "emergency summary refused: ${esummary:0:400}"; exit 1; }
for r in $(seq 1 "$ROUNDS"); do
  echo -n "$STORE \$summary round $r, $CONC callers, $DUR: "
  TOKEN=${TOKENS[1]} PATH_="/fhir/Patient/$target/\$summary" wrk -t2 -c"$CONC" -d"$DUR" -s bench/sharing/get.lua "$B" | tail -1
  echo -n "$STORE \$emergency-summary round $r, $CONC callers, $DUR: "
  TOKEN=$emergency PATH_="/fhir/Patient/$target/\$emergency-summary" wrk -t2 -c"$CONC" -d"$DUR" -s bench/sharing/get.lua "$B" | tail -1
done
if [[ "${HOLD:-0}" == 1 ]]; then
  printf 'B=%q\nTARGET=%q\nTOKEN=%q\nEMERGENCY=%q\nOP=%q\n' "$B" "$target" "${TOKENS[1]}" "$emergency" "$op" > /tmp/kakehashi-sharing-bench.env
  log "holding the server (pid $SPID) until interrupted; settings in /tmp/kakehashi-sharing-bench.env"
  wait "$SPID"
fi
