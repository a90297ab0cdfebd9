# A throw-away PostgreSQL 15 cluster for the registry's tests, from Debian's
# postgresql-15: initdb in a temporary directory, a Unix socket in that
# directory and no TCP port, trust authentication for one superuser
# ("wmsgate"). PostgreSQL refuses to run as root, so as root the cluster
# belongs to `nobody` (runuser); root's own connections still work, since
# trust looks only at the role name.
#
# Two ways to use it:
#   source tests/support/pg_cluster.sh
#   pg_cluster_init "$dir" || exit 77     # the cluster, stopped
#   pg_cluster_start; ...; pg_cluster_stop; pg_cluster_start; ...
#   pg_cluster_destroy                     # stops it and removes $dir
# and, to run one command with a cluster around it:
#   bash tests/support/pg_cluster.sh run COMMAND ARGS...
# which exports WMSGATE_TEST_PG (a libpq connection string to the
# "postgres" database) and exits 77 when no cluster can be had.
#
# After pg_cluster_init: PG_CLUSTER_DIR, PG_CLUSTER_SOCKET_DIR,
# PG_CLUSTER_PORT, PG_CLUSTER_DSN (to database "postgres"), and
# pg_cluster_dsn DBNAME for another database.

PG_CLUSTER_BIN=${PG_CLUSTER_BIN:-/usr/lib/postgresql/15/bin}

pg_cluster__as_owner() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u "$PG_CLUSTER_OWNER" -- "$@"
    else
        "$@"
    fi
}

# Why a cluster cannot be had here, or nothing.
pg_cluster_unavailable() {
    if [[ ! -x $PG_CLUSTER_BIN/initdb || ! -x $PG_CLUSTER_BIN/pg_ctl ]]; then
        echo "no PostgreSQL 15 server binaries in $PG_CLUSTER_BIN (apt-get install postgresql-15)"
    elif ! command -v psql >/dev/null; then
        echo "no psql (apt-get install postgresql-client-15)"
    elif [[ $EUID -eq 0 ]] && ! id nobody >/dev/null 2>&1; then
        echo "running as root and no user 'nobody' to own the cluster"
    elif [[ $EUID -eq 0 ]] && ! command -v runuser >/dev/null; then
        echo "running as root and no runuser"
    fi
}

pg_cluster_init() {
    PG_CLUSTER_DIR=$1
    PG_CLUSTER_OWNER=${PG_CLUSTER_OWNER:-nobody}
    local why
    why=$(pg_cluster_unavailable)
    if [[ -n $why ]]; then
        echo "pg_cluster: $why" >&2
        return 1
    fi
    mkdir -p "$PG_CLUSTER_DIR"
    PG_CLUSTER_SOCKET_DIR=$PG_CLUSTER_DIR/socket
    mkdir -p "$PG_CLUSTER_SOCKET_DIR"
    # Port numbers only name the socket file (no TCP listener): any will do.
    PG_CLUSTER_PORT=$((20000 + $$ % 20000))
    if [[ $EUID -eq 0 ]]; then
        chown "$PG_CLUSTER_OWNER" "$PG_CLUSTER_DIR" "$PG_CLUSTER_SOCKET_DIR"
        # The owner must reach its directory through /tmp/... .
        chmod 0711 "$PG_CLUSTER_DIR"
    fi
    pg_cluster__as_owner "$PG_CLUSTER_BIN/initdb" -D "$PG_CLUSTER_DIR/data" -U wmsgate \
        --auth=trust --encoding=UTF8 --no-locale --no-sync >"$PG_CLUSTER_DIR/initdb.log" 2>&1 || {
        echo "pg_cluster: initdb failed:" >&2
        tail -5 "$PG_CLUSTER_DIR/initdb.log" >&2
        return 1
    }
    # fsync off: a test cluster never outlives a crash. Small shared memory,
    # so several clusters (other tests' too) fit side by side.
    cat >>"$PG_CLUSTER_DIR/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PG_CLUSTER_SOCKET_DIR'
port = $PG_CLUSTER_PORT
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 40
CONF
    PG_CLUSTER_DSN=$(pg_cluster_dsn postgres)
    export PG_CLUSTER_DIR PG_CLUSTER_SOCKET_DIR PG_CLUSTER_PORT PG_CLUSTER_DSN
}

pg_cluster_dsn() {
    echo "host=$PG_CLUSTER_SOCKET_DIR port=$PG_CLUSTER_PORT user=wmsgate dbname=$1"
}

pg_cluster_start() {
    pg_cluster__as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -w -t 30 \
        -l "$PG_CLUSTER_DIR/server.log" start >/dev/null || {
        echo "pg_cluster: the server did not start:" >&2
        tail -5 "$PG_CLUSTER_DIR/server.log" >&2
        return 1
    }
}

# Fast shutdown: connections are cut, as when a database server goes away.
pg_cluster_stop() {
    pg_cluster__as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$PG_CLUSTER_DIR/data" -w -m fast \
        stop >/dev/null 2>&1 || true
}

pg_cluster_psql() {
    psql -X -q -v ON_ERROR_STOP=1 -d "$PG_CLUSTER_DSN" "$@"
}

pg_cluster_destroy() {
    [[ -n ${PG_CLUSTER_DIR:-} && -d $PG_CLUSTER_DIR ]] || return 0
    if [[ -f $PG_CLUSTER_DIR/data/postmaster.pid ]]; then pg_cluster_stop; fi
    rm -rf "$PG_CLUSTER_DIR"
}

if [[ ${BASH_SOURCE[0]} == "$0" && ${1:-} == run ]]; then
    set -euo pipefail
    shift
    dir=$(mktemp -d /tmp/wmsgate-pg.XXXXXX)
    trap 'pg_cluster_destroy' EXIT
    # Killed by ctest's timeout: still stop the server. (A server whose
    # data directory vanished stops by itself within a minute as well.)
    trap 'exit 143' TERM INT
    pg_cluster_init "$dir" || exit 77
    pg_cluster_start || exit 1
    export WMSGATE_TEST_PG=$PG_CLUSTER_DSN
    status=0
    "$@" || status=$?
    exit "$status"
fi
