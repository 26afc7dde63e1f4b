#!/usr/bin/env bash
# The cost of consent narrowing, with wrk, on SQLite: the same read and search by the operator's
# system client (role policy only: no consent predicate) and by a hospital doctor's client whose
# every query carries the consent predicate (consent granted, so both see the same data).
#
#   bench/run-consent-bench.sh            (DUR=8s PORT=8290 by default)
#
# Needs wrk, jq, openssl, python3. Prints req/s and mean latency per caller, two rounds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT=${PORT:-8290}
DUR=${DUR:-8s}
TMP=$(mktemp -d)
secret=$(openssl rand -hex 16)
cd "$ROOT"
dotnet build src/Kakehashi.Server -c Release -v q -nologo >/dev/null
( cd "$TMP" && Urls=http://127.0.0.1:$PORT Kakehashi__Storage__DataDirectory=$TMP/data \
  Kakehashi__Security__DemoClient__Enabled=true Kakehashi__Security__DemoClient__Secret=$secret \
  Kakehashi__Security__DemoClient__Scopes=system/*.cruds Kakehashi__Security__AccessTokenMinutes=60 \
  Logging__LogLevel__Default=Warning \
  dotnet "$ROOT/src/Kakehashi.Server/bin/Release/net10.0/Kakehashi.Server.dll" > $TMP/server.log 2>&1 ) &
SPID=$!
trap 'fuser -k $PORT/tcp >/dev/null 2>&1; kill $SPID 2>/dev/null; rm -rf $TMP' EXIT
for i in $(seq 1 240); do curl -sf http://127.0.0.1:$PORT/fhir/metadata >/dev/null && break; sleep 1; done; curl -sf http://127.0.0.1:$PORT/fhir/metadata >/dev/null || { tail -20 $TMP/server.log; exit 1; }
B=http://127.0.0.1:$PORT
op=$(curl -s $B/connect/token -u "demo:$secret" -d grant_type=client_credentials | jq -r .access_token)
H=(-H "Authorization: Bearer $op" -H "Content-Type: application/fhir+json")
# hospital with a valid code (prefix 13 1 23 4567 + Luhn check digit)
code=$(python3 - <<'PY'
d="131234567"
s=0
for i,c in enumerate(reversed(d)):
    n=int(c)*(2 if i%2==0 else 1)
    s+= n-9 if n>9 else n
print(d+str((10-s%10)%10))
PY
)
curl -s -o /dev/null -w "org %{http_code}\n" -H "Authorization: Bearer $op" -H "Content-Type: application/json" -X POST $B/admin/organizations -d "{\"code\":\"$code\",\"kind\":\"hospital\",\"name\":\"Bench hospital\"}"
openssl genrsa -out $TMP/k.pem 2048 2>/dev/null
n=$(openssl rsa -in $TMP/k.pem -noout -modulus | cut -d= -f2 | xxd -r -p | base64 -w0 | tr '+/' '-_' | tr -d '=')
jwks="{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"use\":\"sig\",\"alg\":\"RS384\",\"n\":\"$n\",\"e\":\"AQAB\"}]}"
curl -s -o /dev/null -w "client %{http_code}\n" -H "Authorization: Bearer $op" -H "Content-Type: application/json" -X POST $B/admin/clients \
  -d "$(jq -n --arg j "$jwks" --arg c "$code" '{clientId:"bench-doctor",organizationCode:$c,role:"doctor",jwks:$j,scopes:"system/*.cruds"}')"
b64() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
hdr=$(printf '{"alg":"RS384","typ":"JWT","kid":"k1"}' | b64)
pl=$(printf '{"iss":"bench-doctor","sub":"bench-doctor","aud":"%s/connect/token","jti":"%s","iat":%d,"exp":%d}' "$B" "$(openssl rand -hex 8)" $now $((now+240)) | b64)
sig=$(printf '%s.%s' "$hdr" "$pl" | openssl dgst -sha384 -sign $TMP/k.pem -binary | b64)
doc=$(curl -s $B/connect/token -d grant_type=client_credentials -d client_id=bench-doctor \
  -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d "client_assertion=$hdr.$pl.$sig" -d scope=system/*.cruds | jq -r .access_token)
[[ "$doc" != null && -n "$doc" ]] || { echo "no doctor token"; curl -s $B/connect/token -d grant_type=client_credentials -d client_id=bench-doctor -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d "client_assertion=$hdr.$pl.$sig"; exit 1; }
pid=$(curl -s "${H[@]}" -X POST $B/fhir/Patient -d '{"resourceType":"Patient","name":[{"family":"山田","given":["太郎"]}]}' | jq -r .id)
for i in 1 2 3 4 5; do oid=$(curl -s "${H[@]}" -X POST $B/fhir/Observation -d "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"HbA1c\"},\"subject\":{\"reference\":\"Patient/$pid\"}}" | jq -r .id); done
for i in $(seq 1 9); do curl -s -o /dev/null "${H[@]}" -X POST $B/fhir/Patient -d '{"resourceType":"Patient","name":[{"family":"佐藤"}]}'; done
start=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ); end=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
curl -s -o /dev/null -w "consent %{http_code}\n" "${H[@]}" -X POST $B/fhir/Consent -d "{\"resourceType\":\"Consent\",\"status\":\"active\",\"scope\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/consentscope\",\"code\":\"patient-privacy\"}]},\"category\":[{\"coding\":[{\"system\":\"http://kakehashi.jp/fhir/CodeSystem/consent-category\",\"code\":\"clinical-items\"}]}],\"patient\":{\"reference\":\"Patient/$pid\"},\"provision\":{\"type\":\"permit\",\"period\":{\"start\":\"$start\",\"end\":\"$end\"},\"actor\":[{\"role\":{\"coding\":[{\"code\":\"IRCP\"}]},\"reference\":{\"identifier\":{\"system\":\"http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no\",\"value\":\"$code\"}}}]}}"
echo "doctor sees: $(curl -s -H "Authorization: Bearer $doc" "$B/fhir/Observation?subject=Patient/$pid" | jq '.entry|length') observations"
run() { wrk -t2 -c16 -d$DUR -H "Authorization: Bearer $2" "$B/fhir/$3" | awk -v l="$1" '/Requests\/sec/{print l": "$2" req/s"} /Latency/{lat=$2} END{print "   latency avg "lat}'; }
for r in 1 2; do
  run "read   operator" "$op" "Observation/$oid"
  run "read   doctor+consent" "$doc" "Observation/$oid"
  run "search operator" "$op" "Observation?subject=Patient/$pid"
  run "search doctor+consent" "$doc" "Observation?subject=Patient/$pid"
done
