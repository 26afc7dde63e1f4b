#!/usr/bin/env bash
# An electronic prescription from end to end against the demo server (docs/prescriptions.md):
# the demo hospital's doctor checks, signs (demo HPKI certificate) and registers a prescription for
# the demo patient 新井 修; the demo pharmacy retrieves it by exchange number and card data and
# registers the signed dispensing; the doctor reads it back.
#
#   dotnet run --project src/Kakehashi.Server      # in another terminal (demo mode)
#   docs/examples/prescriptions-demo.sh
#
# The doctor and the pharmacist act through system clients registered for the demo hospital and
# pharmacy (the admin API, with the demo client); a clinic's or pharmacy's system does the same.
# Needs curl, jq, openssl.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
B=${B:-http://localhost:8080}
DATA=${DATA:-$ROOT/src/Kakehashi.Server/data}
HOSPITAL=1311234569 PHARMACY=1314123454
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
op=$(curl -sf $B/connect/token -u "demo:$(cat "$DATA/security/demo-client-secret.txt")" -d grant_type=client_credentials | jq -r .access_token)
b64() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# A client of the given role for an organization, and its token (private_key_jwt).
token_for() { # role organization
  local id="example-$1-$(openssl rand -hex 3)"
  openssl genrsa -out "$TMP/$id.pem" 2048 2>/dev/null
  local n; n=$(openssl rsa -in "$TMP/$id.pem" -noout -modulus | cut -d= -f2 | xxd -r -p | b64)
  local jwks="{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"use\":\"sig\",\"alg\":\"RS384\",\"n\":\"$n\",\"e\":\"AQAB\"}]}"
  curl -sf -o /dev/null -H "Authorization: Bearer $op" -H "Content-Type: application/json" -X POST $B/admin/clients \
    -d "$(jq -n --arg i "$id" --arg j "$jwks" --arg o "$2" --arg r "$1" '{clientId:$i,organizationCode:$o,role:$r,jwks:$j,scopes:"system/*.cruds"}')"
  local now; now=$(date +%s)
  local h; h=$(printf '{"alg":"RS384","typ":"JWT","kid":"k1"}' | b64)
  local p; p=$(printf '{"iss":"%s","sub":"%s","aud":"%s/connect/token","jti":"%s","iat":%d,"exp":%d}' "$id" "$id" "$B" "$(openssl rand -hex 8)" "$now" $((now+240)) | b64)
  local s; s=$(printf '%s.%s' "$h" "$p" | openssl dgst -sha384 -sign "$TMP/$id.pem" -binary | b64)
  curl -sf $B/connect/token -d grant_type=client_credentials -d client_id="$id" \
    -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d "client_assertion=$h.$p.$s" | jq -r .access_token
}
doctor=$(token_for doctor $HOSPITAL)
pharmacist=$(token_for pharmacist $PHARMACY)
call() { local t=$1; shift; curl -s -H "Authorization: Bearer $t" -H "Content-Type: application/json" "$@"; }

# The prescription: the guide's example with the demo patient's insurance card, its two drugs
# given YJ codes of the current price list (the example's carbocisteine code is no longer listed).
jq -c --arg hospital $HOSPITAL '
  (.entry[] | .resource | select(.resourceType=="Coverage" and .extension != null)) |= (.extension = [
     {url:"http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol",valueString:"71108537"},
     {url:"http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber",valueString:"1475922"},
     {url:"http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSubNumber",valueString:"00"}] | .dependent = "00")
  | (.entry[] | .resource | select(.resourceType=="Organization" and (.id|test("coveragePayer")))) |= (.identifier[0].value = "01280015")
  | (.entry[] | .resource | select(.resourceType=="Organization" and (.id|test("issuer")))) |= (
      .extension |= map(if (.url|endswith("InsuranceOrganizationNo")) then . else {url, valueCoding:{system:.valueIdentifier.system, code:.valueIdentifier.value}} end)
      | .identifier = [{system:"http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no", value:$hospital}])
  | (.entry[] | .resource | select(.resourceType=="Practitioner")) |= (.qualification = [.qualification[0] | .code.coding = [{system:"http://jpfhir.jp/fhir/core/CodeSystem/practitioner_certificate_category",code:"MedicalDoctorLicense"}]])
  | (.entry[] | .resource | select(.resourceType=="MedicationRequest") | .medicationCodeableConcept.coding) |= map(if .code == "2233002F1280" then .code = "2233002F1174" else . end)
  | (.entry[] | .resource | select(.resourceType=="MedicationRequest" and (.medicationCodeableConcept.coding | map(.code) | index("102094601")))
      | .medicationCodeableConcept.coding) += [{system:"urn:oid:1.2.392.100495.20.1.73", code:"1319702Q1107", display:"チモプトール点眼液０．２５％"}]
  | del(.id)' "$ROOT/tests/data/jpdata/examples/jp-ePrescriptionData/Bundle-Bundle-for-JP-MedReq-ePreBundleExample01.json" > "$TMP/draft.json"

echo "== 1. the doctor checks the draft (nothing stored)"
call "$doctor" -X POST $B/prescriptions/check --data-binary @"$TMP/draft.json" | jq '{masterVersion, disclosed, duplicates, contraindications, unchecked}'

echo "== 2. signs it (the demo stands in for the HPKI card) and registers it"
call "$doctor" -X POST $B/prescriptions/demo-sign --data-binary @"$TMP/draft.json" > "$TMP/signed.json"
registered=$(call "$doctor" -X POST $B/prescriptions --data-binary @"$TMP/signed.json")
echo "$registered" | jq '{id, exchangeNumber, status, statusText, issued, dispensableUntil, electronic}'
id=$(echo "$registered" | jq -r .id); number=$(echo "$registered" | jq -r .exchangeNumber)

echo "== 3. the pharmacy retrieves it with the exchange number and the card's data (受付)"
call "$pharmacist" -X POST $B/prescriptions/retrieve \
  -d "{\"exchangeNumber\":\"$number\",\"insurerNumber\":\"01280015\",\"symbol\":\"71108537\",\"number\":\"1475922\",\"branch\":\"00\"}" \
  | jq '{status, statusText, pharmacy, drugs: [.prescription.entry[].resource | select(.resourceType=="MedicationRequest") | .medicationCodeableConcept.text]}'

echo "== 4. and registers the signed dispensing result"
jq -c '{resourceType:"Bundle", type:"collection", entry:[.entry[].resource | select(.resourceType=="MedicationRequest") | {resource:({
    resourceType:"MedicationDispense", status:"completed", medicationCodeableConcept, subject:{reference:"Patient/unknown"},
    quantity:.dispenseRequest.quantity, dosageInstruction:[{text:(.dosageInstruction[0].text // "医師の指示通り")}]}
    + (if .dispenseRequest.expectedSupplyDuration then {daysSupply:.dispenseRequest.expectedSupplyDuration} else {} end))}]}' \
  "$TMP/draft.json" > "$TMP/dispensing.json"
call "$pharmacist" -X POST $B/prescriptions/demo-sign --data-binary @"$TMP/dispensing.json" > "$TMP/dispensing-signed.json"
call "$pharmacist" -X POST "$B/prescriptions/$id/dispense" --data-binary @"$TMP/dispensing-signed.json" | jq '{status, statusText, dispenses}'

echo "== 5. the doctor reads the result back"
call "$doctor" "$B/prescriptions/$id" | jq '{status, statusText, dispensings: [.dispensings[] | {use, pharmacy, dispensed, drugs: [.dispenses[].medicationCodeableConcept.text]}]}'
