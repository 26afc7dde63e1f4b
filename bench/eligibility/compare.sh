#!/usr/bin/env bash
# Measures several server builds on one store kept on disk, one after the other on the same data:
# for each build, stops the store's running server, starts the build (serve.sh), warms up 10 s,
# then runs cpucost.py (wrk -t2 -c32; req/s, latency, CPU per request, load average).
#
#   bench/eligibility/compare.sh sqlite|postgres DIR LUA URL_PATH DURATION SERVER_BIN...
#   e.g. bench/eligibility/compare.sh postgres /work/benchdata/postgres check.lua /eligibility/check 30s \
#          /tmp/before/Kakehashi.Server /tmp/after/Kakehashi.Server /tmp/before/Kakehashi.Server /tmp/after/Kakehashi.Server
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STORE=$1; DIR=$2; LUA=$3; URL_PATH=$4; DURATION=$5; shift 5
for BIN in "$@"; do
  PORT=8090
  if [[ -f $DIR/server.pid ]]; then
    read -r PID PORT _ < "$DIR/server.pid"
    if kill "$PID" 2>/dev/null; then
      while kill -0 "$PID" 2>/dev/null; do sleep 0.2; done
    fi
  fi
  read -r PID PORT _ < <("$HERE/serve.sh" "$STORE" "$DIR" "$BIN" "$PORT")
  [[ $STORE == postgres ]] && export PG_PID=$(head -1 "$DIR/pg/postmaster.pid")
  wrk -t2 -c32 -d10s -s "$LUA" "http://127.0.0.1:$PORT$URL_PATH" >/dev/null
  echo "== $BIN"
  python3 "$HERE/cpucost.py" "$PID" "$LUA" "http://127.0.0.1:$PORT$URL_PATH" "$DURATION"
done
