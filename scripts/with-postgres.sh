#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server.
#
#   bash scripts/with-postgres.sh .venv/bin/python -m pytest
#
# Starts a private server (data directory and unix socket in a temp dir, 127.0.0.1 on
# a free port, trust auth), exports DTU_DATABASE_URL, runs the command, then stops the
# server and deletes everything, even when the command fails. Exits with the command's
# status. PostgreSQL refuses to run as root, so as root the server runs as `postgres`.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

log() { echo "with-postgres: $*" >&2; }

find_pg_bin() {
    local dir
    # Debian/Ubuntu keep the server binaries out of PATH; take the newest version.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}

PG_BIN="$(find_pg_bin || true)"
if [ -z "$PG_BIN" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL (initdb, pg_ctl) not found; install it (e.g. apt-get install postgresql) and retry"
        exit 2
    fi
    log "PostgreSQL not found; installing it with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    PG_BIN="$(find_pg_bin || true)"
    if [ -z "$PG_BIN" ]; then
        log "PostgreSQL still not found after installing it"
        exit 2
    fi
fi

# As root the server must run as an unprivileged user.
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    if command -v runuser >/dev/null 2>&1; then
        RUN_AS=(runuser -u postgres --)
    else
        RUN_AS=(su postgres -s /bin/sh -c '"$0" "$@"')
    fi
fi

free_port() {
    python3 - <<'EOF'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dtu-pg.XXXXXX")"
DATA="$WORK/data"
SOCKET_DIR="$WORK/socket"
mkdir -p "$SOCKET_DIR"
if [ "${#RUN_AS[@]}" -gt 0 ]; then
    chown -R postgres "$WORK"
    chmod 700 "$WORK"
fi
STARTED=0

cleanup() {
    if [ "$STARTED" -eq 1 ]; then
        "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    >"$WORK/initdb.log" 2>&1 || {
    # Older servers may not know the C.UTF-8 locale.
    rm -rf "$DATA"
    "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C \
        >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; exit 2; }
}

# A port can be taken between choosing and binding it; try a few.
for attempt in 1 2 3 4 5; do
    PORT="$(free_port)"
    # fsync off: a throwaway server gains nothing from durability, and tests run faster.
    OPTS="-c listen_addresses=127.0.0.1 -p $PORT -k $SOCKET_DIR -c fsync=off -c synchronous_commit=off"
    OPTS="$OPTS -c full_page_writes=off -c max_connections=200"
    if "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -o "$OPTS" -w -t 60 start >/dev/null; then
        STARTED=1
        break
    fi
    log "start on port $PORT failed (attempt $attempt)"
    tail -n 5 "$WORK/server.log" >&2 || true
done
if [ "$STARTED" -ne 1 ]; then
    log "could not start PostgreSQL"
    exit 2
fi

# pg_ctl -w waits for the server; confirm it accepts TCP connections as the tests will.
if [ -x "$PG_BIN/pg_isready" ]; then
    for _ in $(seq 1 100); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres && break
        sleep 0.1
    done
fi

export DTU_DATABASE_URL="postgresql://postgres@127.0.0.1:$PORT/postgres"
log "PostgreSQL ($("$PG_BIN/postgres" --version | awk '{print $3}')) at $DTU_DATABASE_URL"

set +e
"$@"
STATUS=$?
set -e
exit "$STATUS"
