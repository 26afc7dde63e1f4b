#!/usr/bin/env bash
# Starts a Kakehashi server on a store kept on disk (unlike bench/run-bench.sh, which throws its
# store away), so that a 1M-person eligibility index is loaded once and measured many times.
#
#   bench/eligibility/serve.sh sqlite|postgres DIR SERVER_BIN [PORT]
#     DIR: the data directory (created on first use; PostgreSQL's cluster in DIR/pg)
#     SERVER_BIN: a built Kakehashi.Server (e.g. a copy of bin/Release/net10.0/Kakehashi.Server)
#   Prints "PID PORT SECRET" once the server answers (also kept in DIR/server.pid); the server
#   runs on in the background (stop it with kill PID; PostgreSQL with pg_ctl -D DIR/pg stop). The demo client's secret is
#   DIR/secret, its tokens live 60 minutes (for wrk).
set -euo pipefail
STORE=$1; DIR=$2; SERVER_BIN=$3; PORT=${4:-8090}
mkdir -p "$DIR"
chmod 755 "$DIR"
[[ -f $DIR/secret ]] || echo "bench-$(date +%s%N)" > "$DIR/secret"
SECRET=$(cat "$DIR/secret")
as_pg() { if [[ "$(id -u)" -eq 0 ]]; then (cd "$DIR" && runuser -u postgres -- "$@"); else "$@"; fi; }
declare -a ENV=(Kakehashi__SeedDemoData=false "Urls=http://127.0.0.1:$PORT" "Kakehashi__Storage__DataDirectory=$DIR/data"
  Kakehashi__Security__DemoClient__Enabled=true "Kakehashi__Security__DemoClient__Secret=$SECRET"
  "Kakehashi__Security__DemoClient__Scopes=system/*.cruds" Kakehashi__Security__AccessTokenMinutes=60)
if [[ $STORE == postgres ]]; then
  PG_BIN=""
  for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && PG_BIN="$d"; done
  PG_PORT=$((PORT + 1000))
  if [[ ! -d $DIR/pg ]]; then
    mkdir -p "$DIR/pg" "$DIR/sock"
    [[ "$(id -u)" -eq 0 ]] && chown -R postgres: "$DIR/pg" "$DIR/sock"
    as_pg "$PG_BIN/initdb" -D "$DIR/pg" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if [[ ! -f $DIR/pg/postmaster.pid ]]; then
    as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" -l "$DIR/pg/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$DIR/sock -c max_connections=200" start >/dev/null
    "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'kakehashi_bench'" | grep -q 1 ||
      "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE kakehashi_bench" >/dev/null
  fi
  ENV+=(Kakehashi__Storage__Provider=Postgres "Kakehashi__Storage__ConnectionString=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=kakehashi_bench;Maximum Pool Size=64")
else
  ENV+=(Kakehashi__Storage__Provider=Sqlite)
fi
env "${ENV[@]}" "$SERVER_BIN" >>"$DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$PORT/fhir/metadata" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -50 "$DIR/server.log" >&2; exit 1; }
  sleep 0.5
done
echo "$SERVER_PID $PORT $SECRET" | tee "$DIR/server.pid"
