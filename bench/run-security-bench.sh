#!/usr/bin/env bash
# The cost of authorization and audit on reads and searches, with wrk, on one store: starts the
# security bench host (bench/Kakehashi.Bench.Security: the real server plus unguarded routes) of
# one or more source trees side by side, and alternates wrk runs between them and their routes,
# so that every figure of one run shares the machine's conditions.
#
#   bench/run-security-bench.sh sqlite|postgres [SOURCE_TREE...]     (default: this repository)
#   e.g. git archive main | tar -x -C /tmp/kh-main
#        bench/run-security-bench.sh postgres /tmp/kh-main .          (before vs after a change)
#
# Environment: ROUNDS (3), DURATION (8s), CONNECTIONS (16), THREADS (2), SKIP_BUILD=1,
#              BENCH_PORT (first host's port, 8190; PostgreSQL on BENCH_PORT+1000).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd)"
STORE="${1:-}"
[[ "$STORE" == sqlite || "$STORE" == postgres ]] || { echo "usage: $0 sqlite|postgres [source tree...]" >&2; exit 1; }
shift
ROOTS=("$@")
[[ ${#ROOTS[@]} -eq 0 ]] && ROOTS=("$REPO_ROOT")
ROUNDS="${ROUNDS:-3}"; DURATION="${DURATION:-8s}"; CONNECTIONS="${CONNECTIONS:-16}"; THREADS="${THREADS:-2}"
PORT="${BENCH_PORT:-8190}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is needed: apt-get install jq" >&2; exit 1; }

log() { printf '[security-bench] %s\n' "$*" >&2; }

TMP="$(mktemp -d /tmp/kakehashi-security-bench.XXXXXX)"
chmod 755 "$TMP"
PIDS=()
PG_BIN=""; PG_DATA=""
as_pg() { if [[ "$(id -u)" -eq 0 ]]; then (cd "$TMP" && runuser -u postgres -- "$@"); else "$@"; fi; }
cleanup() {
  set +e
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1
  rm -rf -- "$TMP"
}
trap cleanup EXIT

if [[ "$STORE" == postgres ]]; then
  for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && PG_BIN="$d"; done
  [[ -n "$PG_BIN" ]] || { log "no PostgreSQL server binaries: apt-get install postgresql (or run ./test.sh once)"; exit 1; }
  PG_DATA="$TMP/pg"; PG_PORT=$((PORT + 1000))
  mkdir -p "$PG_DATA" "$TMP/sock"
  [[ "$(id -u)" -eq 0 ]] && chown -R postgres: "$PG_DATA" "$TMP/sock"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$TMP/sock/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$TMP/sock -c fsync=on -c synchronous_commit=on -c max_connections=200" start >/dev/null
  log "PostgreSQL on 127.0.0.1:$PG_PORT (fsync on)"
fi

declare -a LABELS=() PORTS=() TOKENS=() PATIENTS=()
for i in "${!ROOTS[@]}"; do
  root="$(cd "${ROOTS[$i]}" && pwd)"
  label="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || basename "$root")"
  [[ "$root" == "$REPO_ROOT" && -n "$(git -C "$root" status --porcelain -- src 2>/dev/null)" ]] && label="$label+changes"
  # A tree from before this benchmark existed gets its project copied in (it references only public server APIs).
  [[ -d "$root/bench/Kakehashi.Bench.Security" ]] || { mkdir -p "$root/bench"; cp -r "$REPO_ROOT/bench/Kakehashi.Bench.Security" "$root/bench/"; rm -rf "$root/bench/Kakehashi.Bench.Security/bin" "$root/bench/Kakehashi.Bench.Security/obj"; }
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building $root (Release)"
    dotnet build "$root/bench/Kakehashi.Bench.Security" -c Release -v q -nologo >/dev/null
  fi
  port=$((PORT + i))
  secret="bench-$(date +%s%N)"
  env=(Kakehashi__SeedDemoData=false "Urls=http://127.0.0.1:$port" "Kakehashi__Storage__DataDirectory=$TMP/data$i"
    Kakehashi__Security__DemoClient__Enabled=true "Kakehashi__Security__DemoClient__Secret=$secret"
    "Kakehashi__Security__DemoClient__Scopes=system/*.cruds" Kakehashi__Security__AccessTokenMinutes=60)
  if [[ "$STORE" == postgres ]]; then
    "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE bench$i" >/dev/null
    env+=(Kakehashi__Storage__Provider=Postgres "Kakehashi__Storage__ConnectionString=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=bench$i;Maximum Pool Size=64")
  else
    env+=(Kakehashi__Storage__Provider=Sqlite)
  fi
  env "${env[@]}" "$root/bench/Kakehashi.Bench.Security/bin/Release/net10.0/kakehashi-bench-security" --port "$port" >"$TMP/host$i.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/fhir/metadata" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/fhir/metadata" >/dev/null || { cat "$TMP/host$i.log" >&2; exit 1; }
  token="$(curl -s "http://127.0.0.1:$port/connect/token" -u "demo:$secret" -d grant_type=client_credentials | jq -r .access_token)"
  auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/fhir+json')
  patient="$(curl -s "${auth[@]}" -X POST "http://127.0.0.1:$port/fhir/Patient" \
    -d '{"resourceType":"Patient","name":[{"family":"山田","given":["太郎"]}],"birthDate":"1970-01-01"}' | jq -r .id)"
  for n in 1 2 3 4 5; do
    curl -s "${auth[@]}" -X POST "http://127.0.0.1:$port/fhir/Observation" -o /dev/null \
      -d '{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"4548-4"}]},"subject":{"reference":"Patient/'"$patient"'"},"valueQuantity":{"value":6.'"$n"',"unit":"%"}}'
  done
  for n in $(seq 1 9); do
    curl -s "${auth[@]}" -X POST "http://127.0.0.1:$port/fhir/Patient" -o /dev/null \
      -d '{"resourceType":"Patient","name":[{"family":"田中","given":["'"$n"'"]}],"birthDate":"1980-01-01"}'
  done
  LABELS+=("$label"); PORTS+=("$port"); TOKENS+=("$token"); PATIENTS+=("$patient")
  log "host $i: $label on port $port (pid ${PIDS[$i]})"
done

# kind → path; one audit row per read and per one-patient search, ten per Patient?_count=10.
path_of() {
  case "$1" in
    read) echo "Patient/$2" ;;
    search) echo "Observation?subject=Patient/$2" ;;
    search10) echo "Patient?_count=10" ;;
  esac
}
ROUTES=(engine token fhir)
KINDS=(read search search10)
RESULTS="$TMP/results.tsv"
url_of() {
  local base="http://127.0.0.1:${PORTS[$1]}"
  case "$2" in engine) base="$base/bench/engine";; token) base="$base/bench/token";; fhir) base="$base/fhir";; esac
  echo "$base/$(path_of "$3" "${PATIENTS[$1]}")"
}
log "warming up (2 s per host, route and kind, not recorded)"
for i in "${!PORTS[@]}"; do
  for kind in "${KINDS[@]}"; do
    for route in "${ROUTES[@]}"; do
      wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Authorization: Bearer ${TOKENS[$i]}" "$(url_of "$i" "$route" "$kind")" >/dev/null
    done
  done
done
for round in $(seq 1 "$ROUNDS"); do
  for kind in "${KINDS[@]}"; do
    for i in "${!PORTS[@]}"; do
      for route in "${ROUTES[@]}"; do
        out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer ${TOKENS[$i]}" "$(url_of "$i" "$route" "$kind")")"
        rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
        p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
        non2xx="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
        load="$(cut -d' ' -f1 /proc/loadavg)"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$i" "$route" "$kind" "$rps" "$p50" "${non2xx:-0}" "$load" >>"$RESULTS"
        log "round $round ${LABELS[$i]} $route $kind: $rps/s p50 $p50 errors ${non2xx:-0} load $load"
      done
    done
  done
done

# The chain after all that: intact, and how long.
for i in "${!PORTS[@]}"; do
  verify="$(curl -s -H "Authorization: Bearer ${TOKENS[$i]}" "http://127.0.0.1:${PORTS[$i]}/admin/audit/verify")"
  log "${LABELS[$i]}: audit chain intact=$(jq -r .intact <<<"$verify"), rows=$(jq -r .count <<<"$verify")"
done

echo
echo "store: $STORE; wrk -t$THREADS -c$CONNECTIONS -d$DURATION; median of $ROUNDS rounds; req/s (p50 latency of that round)"
echo
echo "| tree | kind | engine only | + token check | + guard + audit (/fhir) | /fhir ÷ engine |"
echo "|---|---|---:|---:|---:|---:|"
for i in "${!PORTS[@]}"; do
  for kind in "${KINDS[@]}"; do
    declare -A med=()
    for route in "${ROUTES[@]}"; do
      med[$route]="$(awk -F'\t' -v h="$i" -v r="$route" -v k="$kind" '$2 == h && $3 == r && $4 == k {print $5 "\t" $6}' "$RESULTS" | sort -n | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2) {printf "%.0f (%s)", $1, $2}')"
    done
    ratio="$(awk -F'\t' -v h="$i" -v k="$kind" '$2 == h && $4 == k && $3 == "engine" {e[$1] = $5} $2 == h && $4 == k && $3 == "fhir" {f[$1] = $5}
      END {for (r in f) if (e[r] > 0) printf "%.2f\n", f[r] / e[r]}' "$RESULTS" | sort -n | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2)')"
    echo "| ${LABELS[$i]} | $kind | ${med[engine]} | ${med[token]} | ${med[fhir]} | $ratio |"
    unset med
  done
done
errors="$(awk -F'\t' '{s += $7} END {print s + 0}' "$RESULTS")"
echo
echo "non-2xx responses: $errors; 1-minute load average during the runs: $(awk -F'\t' '{print $8}' "$RESULTS" | sort -n | sed -n '1p;$p' | paste -sd- -)"
