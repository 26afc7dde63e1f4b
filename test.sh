#!/usr/bin/env bash
# The one test command for Kakehashi (CI runs it through .ci/run).
#
#   ./test.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Search]
#
# - Starts a throw-away PostgreSQL cluster (trust auth, fsync off, Unix socket in
#   a temp dir + 127.0.0.1 on a free port) unless KAKEHASHI_TEST_POSTGRES is
#   already set, and exports KAKEHASHI_TEST_POSTGRES (Npgsql connection string).
#   Installs the Debian "postgresql" package first if no server binaries exist.
# - Installs the Debian "chromium" package if /usr/bin/chromium is missing (UI tests).
# - Runs the web apps' own tests (src/Kakehashi.Ui: type check, unit tests, bundle = sources).
# - Runs `dotnet test` on KAKEHASHI_TEST_TARGET (default Kakehashi.sln), Release, with TMPDIR
#   a fresh folder of the run (no Firely specification cache, as on a new machine).
# - Sums the counters of every .trx file; the last output line is always
#   "N passed, N failed, N skipped".
# - Exit 0 only if nothing failed, dotnet test exited 0 and at least one test passed.
# - The cluster is stopped and the temp dir removed on any exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
REPO_ROOT="$(pwd)"

TARGET="${KAKEHASHI_TEST_TARGET:-Kakehashi.sln}"
PG_PORT_BASE="${KAKEHASHI_TEST_PG_PORT:-55432}"

if [[ -z "${HOME:-}" ]]; then
  HOME="$(getent passwd "$(id -u)" | cut -d: -f6 || true)"
  export HOME="${HOME:-/tmp}"
fi
export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE="${DOTNET_SKIP_FIRST_TIME_EXPERIENCE:-1}"
# Do not leave MSBuild worker nodes behind (they can hold CI's output pipe open).
export MSBUILDDISABLENODEREUSE=1

log() { printf '[test.sh] %s\n' "$*" >&2; }

IS_ROOT=0
[[ "$(id -u)" -eq 0 ]] && IS_ROOT=1

TMP_ROOT=""
PG_DATA=""
PG_BIN=""
PG_STARTED=0
DOTNET_PID=""
SUMMARY_PRINTED=0

# Run a command as the OS user that owns the cluster (postgres when we are root).
as_pg() {
  if [[ $IS_ROOT -eq 1 ]]; then
    (cd "$TMP_ROOT" && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

stop_tests() {
  if [[ -n "$DOTNET_PID" ]] && kill -0 "$DOTNET_PID" 2>/dev/null; then
    log "stopping dotnet test (pid $DOTNET_PID)"
    kill -TERM -- "-$DOTNET_PID" 2>/dev/null || kill -TERM "$DOTNET_PID" 2>/dev/null
    local i
    for i in $(seq 1 20); do
      kill -0 "$DOTNET_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$DOTNET_PID" 2>/dev/null || kill -KILL "$DOTNET_PID" 2>/dev/null
  fi
  DOTNET_PID=""
}

stop_cluster() {
  if [[ $PG_STARTED -eq 1 && -n "$PG_DATA" && -f "$PG_DATA/postmaster.pid" ]]; then
    log "stopping throw-away PostgreSQL cluster"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1
    if [[ -f "$PG_DATA/postmaster.pid" ]]; then
      local pid
      pid="$(head -n1 "$PG_DATA/postmaster.pid" 2>/dev/null)"
      if [[ "$pid" =~ ^[0-9]+$ ]]; then
        kill -KILL "$pid" 2>/dev/null
        sleep 1
      fi
    fi
  fi
  PG_STARTED=0
  if [[ -n "$TMP_ROOT" && -d "$TMP_ROOT" ]]; then
    rm -rf -- "$TMP_ROOT"
  fi
  TMP_ROOT=""
}

cleanup() {
  local rc=$?
  set +e
  stop_tests
  stop_cluster
  if [[ $SUMMARY_PRINTED -eq 0 ]]; then
    # Aborted early (setup error or signal): still end with the summary line.
    [[ $rc -eq 0 ]] && rc=1
    echo "0 passed, 1 failed, 0 skipped"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

TMP_ROOT="$(mktemp -d /tmp/kakehashi-test.XXXXXX)"
chmod 755 "$TMP_ROOT"   # the postgres user must be able to reach its subdir
TRX_DIR="$TMP_ROOT/trx"
mkdir -p "$TRX_DIR"

find_pg_bin() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" ]] || continue
    if [[ -z "$best" ]] || [[ "$(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n1)" == "$d" ]]; then
      best="$d"
    fi
  done
  printf '%s' "$best"
}

install_postgres() {
  local sudo=()
  if [[ $IS_ROOT -eq 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      log "PostgreSQL server binaries are missing and sudo is not available; install the 'postgresql' package"
      return 1
    fi
    sudo=(sudo)
  fi
  log "PostgreSQL server binaries not found; installing the 'postgresql' package"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; then
    log "apt-get install failed; running apt-get update and retrying"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  fi
}

port_in_use() {
  # A successful connect means something listens there.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_postgres() {
  PG_BIN="$(find_pg_bin)"
  if [[ -z "$PG_BIN" ]]; then
    install_postgres
    PG_BIN="$(find_pg_bin)"
    [[ -n "$PG_BIN" ]] || { log "no initdb under /usr/lib/postgresql/*/bin after install"; return 1; }
  fi
  log "using PostgreSQL binaries from $PG_BIN"

  local pg_dir="$TMP_ROOT/pg"
  PG_DATA="$pg_dir/data"
  local sock_dir="$pg_dir/sock"
  mkdir -p "$pg_dir" "$sock_dir"
  if [[ $IS_ROOT -eq 1 ]]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown -R postgres: "$pg_dir"
  fi

  local locale_args=(--locale=C.UTF-8)
  if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 "${locale_args[@]}" >"$pg_dir/initdb.log" 2>&1; then
    rm -rf -- "$PG_DATA"
    locale_args=(--no-locale)
    if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 "${locale_args[@]}" >"$pg_dir/initdb.log" 2>&1; then
      cat "$pg_dir/initdb.log" >&2
      log "initdb failed"
      return 1
    fi
  fi

  local port=$PG_PORT_BASE attempt
  for attempt in $(seq 1 50); do
    if port_in_use "$port"; then
      port=$((port + 1))
      continue
    fi
    PG_STARTED=1
    if as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$pg_dir/postgres.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$sock_dir \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=200" start >/dev/null; then
      break
    fi
    PG_STARTED=0
    log "PostgreSQL did not start on port $port:"
    tail -n 20 "$pg_dir/postgres.log" >&2 || true
    port=$((port + 1))
    if [[ $attempt -eq 50 ]]; then
      log "giving up starting PostgreSQL"
      return 1
    fi
  done

  local i
  for i in $(seq 1 60); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
      break
    fi
    if [[ $i -eq 60 ]]; then
      log "PostgreSQL is not ready after 60s"
      tail -n 50 "$pg_dir/postgres.log" >&2 || true
      return 1
    fi
    sleep 1
  done

  export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
  export KAKEHASHI_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
  log "throw-away PostgreSQL ready on 127.0.0.1:$port (socket dir $sock_dir)"
}

if [[ -n "${KAKEHASHI_TEST_POSTGRES:-}" ]]; then
  log "KAKEHASHI_TEST_POSTGRES is already set; not starting a cluster"
else
  start_postgres
fi

# The UI tests (tests/Kakehashi.Server.Tests/Ui) drive Debian's Chromium through Playwright; no
# browser is ever downloaded. Install the distribution's package if it is missing.
install_chromium() {
  local sudo=()
  if [[ $IS_ROOT -eq 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { log "/usr/bin/chromium is missing and sudo is not available; install the 'chromium' package"; return 1; }
    sudo=(sudo)
  fi
  log "/usr/bin/chromium not found; installing the 'chromium' package"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; then
    log "apt-get install failed; running apt-get update and retrying"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
}
[[ -x /usr/bin/chromium ]] || install_chromium

# A Japanese font, so that the UI tests' screenshots (artifacts/ui) show Japanese rather than
# empty boxes. Best effort: the tests assert text, not pixels, so a machine without it still passes.
if ! fc-list 2>/dev/null | grep -qi -E 'ipa|cjk|noto sans jp'; then
  sudo_fonts=()
  [[ $IS_ROOT -eq 0 ]] && command -v sudo >/dev/null 2>&1 && sudo_fonts=(sudo)
  if [[ $IS_ROOT -eq 1 || ${#sudo_fonts[@]} -gt 0 ]]; then
    log "installing fonts-ipafont-gothic for the UI screenshots"
    "${sudo_fonts[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-ipafont-gothic >/dev/null 2>&1 \
      || log "fonts-ipafont-gothic could not be installed; screenshots will show boxes for Japanese"
  fi
fi

# The differential search test runs Medplum's FHIR router under Node; install it from the lock file.
# A failed install stops the run (and counts as a failure): the test must never silently skip.
if [[ -f tests/differential/package-lock.json ]]; then
  command -v npm >/dev/null 2>&1 || { log "npm is required for tests/differential (install Node.js)"; exit 1; }
  log "npm ci in tests/differential"
  npm ci --prefix tests/differential --no-audit --no-fund --loglevel=error >&2
fi

# The web apps (src/Kakehashi.Ui, TypeScript + Preact): type check, unit tests, and the check
# that the bundles the server embeds are exactly what the sources build. Counted with the rest.
UI_PASSED=0 UI_FAILED=0
if [[ -f src/Kakehashi.Ui/package-lock.json ]]; then
  command -v npm >/dev/null 2>&1 || { log "npm is required for src/Kakehashi.Ui (install Node.js)"; exit 1; }
  log "npm ci and npm test in src/Kakehashi.Ui"
  UI_TAP="$TMP_ROOT/ui-tests.tap"
  set +e
  npm ci --prefix src/Kakehashi.Ui --no-audit --no-fund --loglevel=error >&2 \
    && (cd src/Kakehashi.Ui && npm test --silent) >"$UI_TAP" 2>&1
  UI_RC=$?
  set -e
  UI_PASSED="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$UI_TAP" 2>/dev/null | tail -n1)"
  UI_FAILED="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$UI_TAP" 2>/dev/null | tail -n1)"
  UI_PASSED="${UI_PASSED:-0}" UI_FAILED="${UI_FAILED:-0}"
  if [[ $UI_RC -ne 0 ]]; then
    grep -E '^not ok|error|Error' "$UI_TAP" >&2 || tail -n 30 "$UI_TAP" >&2
    [[ $UI_FAILED -eq 0 ]] && UI_FAILED=1
  fi
  log "src/Kakehashi.Ui: $UI_PASSED passed, $UI_FAILED failed"
fi

# The tests' temp folder is this run's own: the Firely specification cache (unpacked on first
# use under the temp path) starts empty every time, as on a brand-new machine, so a race to
# unpack it cannot hide behind a cache an earlier run left behind.
export TMPDIR="$TMP_ROOT/tmp"
# Screenshots of the UI tests (each role's main screens) are kept after the run.
export KAKEHASHI_UI_ARTIFACTS="${KAKEHASHI_UI_ARTIFACTS:-$REPO_ROOT/artifacts/ui}"
mkdir -p "$TMPDIR"

log "dotnet test $TARGET -c Release $*"
# Run in the background in its own process group and `wait` for it, so that a
# signal sent to this script is handled at once and takes the whole test tree down.
SETSID=()
command -v setsid >/dev/null 2>&1 && SETSID=(setsid)
set +e
"${SETSID[@]}" dotnet test "$TARGET" -c Release \
  --logger "trx;LogFilePrefix=results" \
  --results-directory "$TRX_DIR" \
  "$@" </dev/null &
DOTNET_PID=$!
wait "$DOTNET_PID"
TEST_RC=$?
DOTNET_PID=""
set -e
log "dotnet test exited with $TEST_RC"

# ---- the prescription benchmark, as a smoke ------------------------------------
# bench/run-prescription-bench.sh measures the check at 10 M records by hand (docs/performance.md);
# here it runs at a tiny scale so that it keeps working. One test each; a full run only (no filter).
BENCH_PASSED=0 BENCH_FAILED=0
if [[ $# -eq 0 ]]; then
  bench_missing=()
  for tool in wrk jq openssl sqlite3 xxd python3; do command -v "$tool" >/dev/null 2>&1 || bench_missing+=("$tool"); done
  if [[ ${#bench_missing[@]} -gt 0 ]]; then
    sudo_bench=()
    [[ $IS_ROOT -eq 0 ]] && command -v sudo >/dev/null 2>&1 && sudo_bench=(sudo)
    log "installing ${bench_missing[*]} for the prescription benchmark's smoke"
    "${sudo_bench[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${bench_missing[@]}" >/dev/null 2>&1 \
      || { "${sudo_bench[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1; \
           "${sudo_bench[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${bench_missing[@]}" >/dev/null 2>&1; } || true
  fi
  BENCH_LOG="$TMP_ROOT/prescription-bench.log"
  log "bench/run-prescription-bench.sh sqlite (smoke: 200 patients, 2,000 records, 2 s)"
  set +e
  PATIENTS=200 RECORDS=2000 DUR=2s ROUNDS=1 REG_CONC=2 PORT=8391 SKIP_BUILD=1 timeout 600 bench/run-prescription-bench.sh sqlite >"$BENCH_LOG" 2>&1
  BENCH_RC=$?
  set -e
  if [[ $BENCH_RC -eq 0 ]] && grep -q 'checks/s .*(non-2xx 0)' "$BENCH_LOG" && grep -q 'registrations/s .*(non-2xx 0)' "$BENCH_LOG"; then
    BENCH_PASSED=1
    grep -E 'checks/s|registrations/s' "$BENCH_LOG" | sed 's/^/[test.sh]   /' >&2
  else
    BENCH_FAILED=1
    log "the prescription benchmark's smoke failed (exit $BENCH_RC):"
    tail -n 20 "$BENCH_LOG" >&2
  fi

  # bench/run-sharing-bench.sh: the patient and emergency summaries inside a copied population.
  SHARING_LOG="$TMP_ROOT/sharing-bench.log"
  log "bench/run-sharing-bench.sh sqlite (smoke: 300 patients, 2 institutions, 1 year, 2 s)"
  set +e
  PATIENTS=300 INSTITUTIONS=2 YEARS=1 DUR=2s ROUNDS=1 PORT=8491 SKIP_BUILD=1 timeout 600 bench/run-sharing-bench.sh sqlite >"$SHARING_LOG" 2>&1
  SHARING_RC=$?
  set -e
  if [[ $SHARING_RC -eq 0 ]] && [[ $(grep -c 'summary round .*(non-2xx 0)' "$SHARING_LOG") -eq 2 ]]; then
    BENCH_PASSED=$((BENCH_PASSED + 1))
    grep -E 'summary round' "$SHARING_LOG" | sed 's/^/[test.sh]   /' >&2
  else
    BENCH_FAILED=$((BENCH_FAILED + 1))
    log "the sharing benchmark's smoke failed (exit $SHARING_RC):"
    tail -n 20 "$SHARING_LOG" >&2
  fi
fi

# ---- sum the counters of every .trx file --------------------------------------
attr() { # attr NAME ELEMENT -> the numeric value of NAME="..." in ELEMENT, or 0
  local v
  v="$(printf '%s' "$2" | sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p")"
  printf '%s' "${v:-0}"
}

TOTAL=0 PASSED=0 FAILED=0 SKIPPED=0 TRX_COUNT=0
while IFS= read -r -d '' trx; do
  TRX_COUNT=$((TRX_COUNT + 1))
  counters="$(tr '\r\n' '  ' <"$trx" | grep -o '<Counters[^>]*>' | head -n1 || true)"
  if [[ -z "$counters" ]]; then
    log "no <Counters> in $(basename "$trx"); counting it as a failure"
    FAILED=$((FAILED + 1))
    continue
  fi
  t=$(attr total "$counters")
  e=$(attr executed "$counters")
  p=$(attr passed "$counters")
  f=$(( $(attr failed "$counters") + $(attr error "$counters") + $(attr timeout "$counters") + $(attr aborted "$counters") ))
  n=$(attr notExecuted "$counters")
  s=$n
  # Skipped tests are "not executed"; some writers only show them as total - executed.
  (( t - e > s )) && s=$((t - e))
  log "$(basename "$trx"): total=$t executed=$e passed=$p failed=$f skipped=$s"
  TOTAL=$((TOTAL + t)); PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); SKIPPED=$((SKIPPED + s))
done < <(find "$TRX_DIR" -type f -name '*.trx' -print0 2>/dev/null)

PASSED=$((PASSED + UI_PASSED + BENCH_PASSED)); FAILED=$((FAILED + UI_FAILED + BENCH_FAILED))

if [[ $TRX_COUNT -eq 0 ]]; then
  log "no .trx results found (build failure?)"
  PASSED=0
  FAILED=1
elif [[ $TEST_RC -ne 0 && $FAILED -eq 0 ]]; then
  log "dotnet test failed (exit $TEST_RC) although no test was reported failed (build error or crashed test host?)"
  FAILED=1
fi

EXIT=0
if [[ $FAILED -ne 0 || $TEST_RC -ne 0 || $PASSED -lt 1 ]]; then
  EXIT=1
fi
[[ $PASSED -lt 1 && $FAILED -eq 0 ]] && log "no test passed"

# Tear down now (idempotent; the EXIT trap would do it anyway) so that the
# summary below is the very last line of output.
set +e
stop_cluster
set -e
SUMMARY_PRINTED=1
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
exit "$EXIT"
