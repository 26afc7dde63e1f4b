#!/usr/bin/env bash
# Measures Kakehashi on one store: starts a throw-away server (and, for postgres, a throw-away
# PostgreSQL cluster), runs kakehashi-bench against it, stops everything.
#
#   bench/run-bench.sh sqlite|postgres [kakehashi-bench run options...]
#   e.g. bench/run-bench.sh postgres --scenarios import-synthetic,crud,read,search --people 1000
#
# Environment:
#   KAKEHASHI_SERVER_ROOT  source tree whose server is measured (default: this repository)
#   SKIP_BUILD=1           use the existing Release builds
#   BENCH_PORT             server port (default 8090)
#   PG_DURABLE=0           PostgreSQL with fsync off (default on, like SQLite's Durable=true)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd)"
STORE="${1:-}"
[[ "$STORE" == sqlite || "$STORE" == postgres ]] || { echo "usage: $0 sqlite|postgres [run options]" >&2; exit 1; }
shift
SERVER_ROOT="${KAKEHASHI_SERVER_ROOT:-$REPO_ROOT}"
PORT="${BENCH_PORT:-8090}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1

log() { printf '[run-bench] %s\n' "$*" >&2; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  log "building the server ($SERVER_ROOT) and the bench (Release)"
  dotnet build "$SERVER_ROOT/src/Kakehashi.Server" -c Release -v q -nologo >/dev/null
  dotnet build "$REPO_ROOT/bench/Kakehashi.Bench" -c Release -v q -nologo >/dev/null
fi
SERVER_BIN="$SERVER_ROOT/src/Kakehashi.Server/bin/Release/net10.0/Kakehashi.Server"
BENCH_BIN="$REPO_ROOT/bench/Kakehashi.Bench/bin/Release/net10.0/kakehashi-bench"

TMP="$(mktemp -d /tmp/kakehashi-bench.XXXXXX)"
chmod 755 "$TMP"
SERVER_PID=""
PG_BIN=""
PG_DATA=""

as_pg() { if [[ "$(id -u)" -eq 0 ]]; then (cd "$TMP" && runuser -u postgres -- "$@"); else "$@"; fi; }

cleanup() {
  set +e
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [[ -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1
  rm -rf -- "$TMP"
}
trap cleanup EXIT

# With security on, the bench signs in as the demo client with a known secret and every SMART
# action (ignored by a server without security).
BENCH_SECRET="bench-$(date +%s%N)"
declare -a ENV=(Kakehashi__SeedDemoData=false "Urls=http://127.0.0.1:$PORT" "Kakehashi__Storage__DataDirectory=$TMP/data"
  Kakehashi__Security__DemoClient__Enabled=true "Kakehashi__Security__DemoClient__Secret=$BENCH_SECRET"
  "Kakehashi__Security__DemoClient__Scopes=system/*.cruds")
if [[ "$STORE" == postgres ]]; then
  for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && PG_BIN="$d"; done
  [[ -n "$PG_BIN" ]] || { log "no PostgreSQL server binaries: apt-get install postgresql (or run ./test.sh once)"; exit 1; }
  PG_DATA="$TMP/pg"
  mkdir -p "$PG_DATA" "$TMP/sock" "$TMP/pglog"
  [[ "$(id -u)" -eq 0 ]] && chown -R postgres: "$TMP/pg" "$TMP/sock" "$TMP/pglog"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  PG_PORT=$((PORT + 1000))
  FSYNC=on; [[ "${PG_DURABLE:-1}" == 0 ]] && FSYNC=off
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$TMP/pglog/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$TMP/sock -c fsync=$FSYNC -c synchronous_commit=$FSYNC -c max_connections=200" start >/dev/null
  "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE kakehashi_bench" >/dev/null
  ENV+=(Kakehashi__Storage__Provider=Postgres "Kakehashi__Storage__ConnectionString=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=kakehashi_bench;Maximum Pool Size=64")
  log "PostgreSQL on 127.0.0.1:$PG_PORT (fsync=$FSYNC)"
else
  ENV+=(Kakehashi__Storage__Provider=Sqlite)
fi

env "${ENV[@]}" "$SERVER_BIN" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/fhir/metadata" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
  sleep 0.5
done
log "server pid $SERVER_PID on http://127.0.0.1:$PORT/fhir ($STORE)"

declare -a AUTH=()
TOKEN_STATUS="$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/connect/token" || true)"
if [[ "$TOKEN_STATUS" != 404 ]]; then
  log "token endpoint answers ($TOKEN_STATUS): using client credentials of the demo client"
  AUTH=(--token-url "http://127.0.0.1:$PORT/connect/token" --client-id demo --client-secret "$BENCH_SECRET")
fi

COMMIT="$(git -C "$SERVER_ROOT" rev-parse --short HEAD 2>/dev/null || true)"
KAKEHASHI_BENCH_COMMIT="${KAKEHASHI_BENCH_COMMIT:-$COMMIT}" "$BENCH_BIN" run \
  --base-url "http://127.0.0.1:$PORT/fhir" --server-pid "$SERVER_PID" --label "$STORE" "${AUTH[@]}" "$@"
