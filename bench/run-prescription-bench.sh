#!/usr/bin/env bash
# The duplicate / contraindication check (重複投薬等チェック) at national scale, and prescription
# registration with signature verification, on a throw-away server (docs/prescriptions.md,
# docs/performance.md "Prescriptions").
#
#   bench/run-prescription-bench.sh sqlite|postgres
#
# Settings (environment): PATIENTS (1000000), RECORDS (10000000) dispensing records seeded into the
# check's index, CONC (32) concurrent callers, DUR (20s) per round, ROUNDS (2), PORT (8390),
# REG_CONC (16) registering callers, SKIP_BUILD=1. The records are written straight into medication_courses with set-based SQL from
# real YJ codes of the shipped price list — loading ten million MedicationDispense resources
# through the API would take this machine days — while every check is a full HTTP request:
# token, role policy, consent lookup, audit row, drug master, the index query and the answer.
# Needs wrk, jq, openssl, python3, sqlite3 (SQLite) or the PostgreSQL server binaries.
set -euo pipefail
STORE=${1:-sqlite}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT=${PORT:-8390}
PATIENTS=${PATIENTS:-1000000}
RECORDS=${RECORDS:-10000000}
CONC=${CONC:-32}
DUR=${DUR:-20s}
ROUNDS=${ROUNDS:-2}
TMP=$(mktemp -d /tmp/kakehashi-rx-bench.XXXXXX)
chmod 755 "$TMP"
SPID=""; PG_BIN=""; PG_DATA=""
log() { echo "[rx-bench] $*" >&2; }
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
  Kakehashi__Prescriptions__DemoAuthority=true Logging__LogLevel__Default=Warning)
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
[[ -n "$op" && "$op" != null ]] || { log "no operator token: $(curl -s $B/connect/token -u "demo:$secret" -d grant_type=client_credentials)"; tail -20 "$TMP/server.log"; exit 1; }

# A hospital and its doctor's client (client credentials with a signed assertion).
code=$(python3 -c '
d="131234567"; s=0
for i,c in enumerate(reversed(d)):
    n=int(c)*(2 if i%2==0 else 1); s+= n-9 if n>9 else n
print(d+str((10-s%10)%10))')
post() { curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $op" -H "Content-Type: application/json" -X POST "$B$1" -d "$2"; }
org=$(post /admin/organizations "{\"code\":\"$code\",\"kind\":\"hospital\",\"name\":\"Bench hospital\"}"); [[ $org == 201 ]] || { log "organization refused: $org"; exit 1; }
openssl genrsa -out "$TMP/k.pem" 2048 2>/dev/null
n=$(openssl rsa -in "$TMP/k.pem" -noout -modulus | cut -d= -f2 | xxd -r -p | base64 -w0 | tr '+/' '-_' | tr -d '=')
jwks="{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"use\":\"sig\",\"alg\":\"RS384\",\"n\":\"$n\",\"e\":\"AQAB\"}]}"
[[ $(post /admin/clients "$(jq -n --arg j "$jwks" --arg c "$code" '{clientId:"bench-doctor",organizationCode:$c,role:"doctor",jwks:$j,scopes:"system/*.cruds"}')") == 201 ]] || { log "client refused"; exit 1; }
b64() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
hdr=$(printf '{"alg":"RS384","typ":"JWT","kid":"k1"}' | b64)
pl=$(printf '{"iss":"bench-doctor","sub":"bench-doctor","aud":"%s/connect/token","jti":"%s","iat":%d,"exp":%d}' "$B" "$(openssl rand -hex 8)" "$now" $((now+240)) | b64)
sig=$(printf '%s.%s' "$hdr" "$pl" | openssl dgst -sha384 -sign "$TMP/k.pem" -binary | b64)
doc=$(curl -s $B/connect/token -d grant_type=client_credentials -d client_id=bench-doctor \
  -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d "client_assertion=$hdr.$pl.$sig" -d 'scope=system/*.cruds' | jq -r .access_token)
[[ -n "$doc" && "$doc" != null ]] || { log "no doctor token"; exit 1; }

# Real internal-medicine YJ codes of the shipped price list: the courses and the drafts draw from them.
zcat src/Kakehashi.Platform.Prescriptions/DrugMaster/Data/mhlw-yakka-20250716.csv.gz | awk -F, '$1=="内用薬" && (n++ % 3) == 0 && c < 2000 {print $2; c++}' > "$TMP/codes.txt"
NCODES=$(wc -l < "$TMP/codes.txt")
TODAY=$(python3 -c 'import datetime; print((datetime.datetime.utcnow()+datetime.timedelta(hours=9)).date().toordinal()-1)')
SEED_SQL="INSERT INTO medication_courses (source, line, patient_key, drug_code, drug_name, institution_code, start_day, end_day, inpatient, prescription_id)
SELECT 'MedicationDispense/bench-' || g, 1, 'Patient/b' || (g % $PATIENTS), c.code, NULL, '14' || (1000000 + g % 5000) || '0',
       $TODAY - (g % 120), $TODAY - (g % 120) + 7 + (g % 50), 0, NULL"
log "seeding $RECORDS dispensing records for $PATIENTS patients ($NCODES drug codes) into $STORE"
start=$(date +%s)
if [[ "$STORE" == postgres ]]; then
  "${PSQL[@]}" -d kakehashi_bench <<SQL
CREATE TEMP TABLE bench_codes (i INTEGER PRIMARY KEY, code TEXT NOT NULL);
INSERT INTO bench_codes SELECT ordinality - 1, code FROM unnest(string_to_array('$(paste -sd, "$TMP/codes.txt")', ',')) WITH ORDINALITY AS t(code, ordinality);
$SEED_SQL FROM generate_series(1, $RECORDS) g JOIN bench_codes c ON c.i = g % $NCODES;
ANALYZE medication_courses;
SQL
else
  DB="$TMP/data/kakehashi.db"
  sqlite3 "$DB" >/dev/null <<SQL
PRAGMA busy_timeout = 60000;
CREATE TEMP TABLE bench_codes (i INTEGER PRIMARY KEY, code TEXT NOT NULL);
$(awk '{printf "INSERT INTO bench_codes VALUES (%d, '"'"'%s'"'"');\n", NR-1, $1}' "$TMP/codes.txt")
BEGIN;
WITH RECURSIVE seq(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < $RECORDS)
$SEED_SQL FROM seq JOIN bench_codes c ON c.i = seq.g % $NCODES;
COMMIT;
ANALYZE medication_courses;
SQL
fi
log "seeded in $(( $(date +%s) - start )) s"

# A draft of three drugs from the same pool: some patients get duplicates.
body=$(jq -c -n --arg a "$(sed -n 1p "$TMP/codes.txt")" --arg b "$(sed -n 500p "$TMP/codes.txt")" --arg c "$(sed -n 1000p "$TMP/codes.txt")" '
  def mr($code): {resource:{resourceType:"MedicationRequest",status:"active",intent:"order",subject:{reference:"Patient/x"},
    medicationCodeableConcept:{coding:[{system:"urn:oid:1.2.392.100495.20.1.73",code:$code}]},
    dispenseRequest:{expectedSupplyDuration:{value:14,unit:"日",system:"http://unitsofmeasure.org",code:"d"}}}};
  {resourceType:"Bundle",type:"document",entry:[{resource:{resourceType:"Composition",status:"preliminary",type:{text:"処方箋"},date:"2026-12-07",author:[{display:"bench"}],title:"処方箋"}}, mr($a), mr($b), mr($c)]}')
probe=$(curl -s -H "Authorization: Bearer $doc" -H "Content-Type: application/json" -X POST "$B/prescriptions/check?patient=b1" -d "$body")
echo "$probe" | jq -e .masterVersion >/dev/null || { log "check refused: $probe"; exit 1; }
log "first check: $(echo "$probe" | jq -c '{duplicates, contraindications, masterVersion}')"
for r in $(seq 1 "$ROUNDS"); do
  echo -n "$STORE round $r, $CONC callers, $DUR: "
  PATIENTS=$PATIENTS TOKEN=$doc BODY=$body wrk -t2 -c"$CONC" -d"$DUR" -s bench/prescriptions/check.lua "$B" | tail -1
done

# Registration with signature verification: one insured patient, one signed prescription, posted again and again.
insurer=$(python3 -c '
d="0612345"; s=0
for i,c in enumerate(reversed(d)):
    n=int(c)*(2 if i%2==0 else 1); s+= n-9 if n>9 else n
print(d+str((10-s%10)%10))')
pid=$(curl -s -H "Authorization: Bearer $op" -H "Content-Type: application/fhir+json" -X POST $B/fhir/Patient -d '{"resourceType":"Patient","name":[{"family":"処方","given":["太郎"]}],"birthDate":"1960-01-01"}' | jq -r .id)
[[ $(post /admin/organizations "{\"code\":\"$insurer\",\"kind\":\"insurer\",\"name\":\"Bench insurer\"}") == 201 ]] || { log "insurer refused"; exit 1; }
cov=$(curl -s -w " %{http_code}" -H "Authorization: Bearer $op" -H "Content-Type: application/fhir+json" -X POST $B/fhir/Coverage -d "{\"resourceType\":\"Coverage\",\"identifier\":[{\"system\":\"http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID\",\"value\":\"$insurer:記号:1234:00\"}],\"status\":\"active\",\"type\":{\"coding\":[{\"system\":\"http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuranceMajorCategory\",\"code\":\"1\"}]},\"beneficiary\":{\"reference\":\"Patient/$pid\"},\"period\":{\"start\":\"2020-04-01\"},\"payor\":[{\"identifier\":{\"system\":\"urn:oid:1.2.392.100495.20.3.61\",\"value\":\"$insurer\"}}]}")
[[ "$cov" == *" 201" ]] || { log "qualification refused: ${cov:0:400}"; exit 1; }
jq -c --arg ins "$insurer" --arg code "$code" '
  (.entry[] | .resource | select(.resourceType=="Coverage" and .extension != null)) |= (.extension = [
     {url:"http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol",valueString:"記号"},
     {url:"http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber",valueString:"1234"},
     {url:"http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber",valueString:"00"}] | .dependent = "00")
  | (.entry[] | .resource | select(.resourceType=="Organization" and (.id|test("coveragePayer")))) |= (.identifier[0].value = $ins)
  | (.entry[] | .resource | select(.resourceType=="Organization" and (.id|test("issuer")))) |= (
      .extension |= map(if (.url|endswith("InsuranceOrganizationNo")) then . else {url, valueCoding:{system:.valueIdentifier.system, code:.valueIdentifier.value}} end)
      | .identifier = [{system:"http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no", value:$code}])
  | (.entry[] | .resource | select(.resourceType=="Practitioner")) |= (.qualification = [.qualification[0] | .code.coding = [{system:"http://jpfhir.jp/fhir/core/CodeSystem/practitioner_certificate_category",code:"MedicalDoctorLicense"}]])
  | del(.id)' tests/data/jpdata/examples/jp-ePrescriptionData/Bundle-Bundle-for-JP-MedReq-ePreBundleExample01.json > "$TMP/draft.json"
curl -s -H "Authorization: Bearer $doc" -H "Content-Type: application/json" -X POST $B/prescriptions/demo-sign --data-binary @"$TMP/draft.json" > "$TMP/signed.json"
first=$(curl -s -w " %{http_code}" -H "Authorization: Bearer $doc" -H "Content-Type: application/json" -X POST $B/prescriptions --data-binary @"$TMP/signed.json")
[[ "$first" == *" 201" ]] || { log "registration refused: ${first:0:600}"; exit 1; }
for i in 1 2 3; do curl -s -o /dev/null -w "registration alone: %{time_total} s\n" -H "Authorization: Bearer $doc" -H "Content-Type: application/json" -X POST $B/prescriptions --data-binary @"$TMP/signed.json"; done
for i in 1 2 3; do curl -s -o /dev/null -w "its draft check alone: %{time_total} s\n" -H "Authorization: Bearer $doc" -H "Content-Type: application/json" -X POST $B/prescriptions/check --data-binary @"$TMP/signed.json"; done
[[ -n "${PROFILE_PAUSE:-}" ]] && { log "server pid $SPID on $B; doctor token in $TMP/token"; echo "$doc" > "$TMP/token"; sleep "$PROFILE_PAUSE"; }
for r in $(seq 1 "$ROUNDS"); do
  echo -n "$STORE registration round $r, ${REG_CONC:-16} callers, $DUR: "
  TOKEN=$doc BODY_FILE="$TMP/signed.json" wrk -t2 -c"${REG_CONC:-16}" -d"$DUR" -s bench/prescriptions/register.lua "$B" | tail -1
done
