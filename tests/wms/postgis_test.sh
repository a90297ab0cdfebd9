#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 + PostGIS cluster (Unix socket only, in
# a temporary directory, as the postgres user), loads a small parcels table
# with a GIST index, and runs wms_vector_postgis_tests against it. Removes
# the cluster on exit. Needs root (to run the server as postgres) and
# postgresql-15-postgis-3; skips (77) without them.
set -euo pipefail
bin=${WMSGATE_BIN:?WMSGATE_BIN must name the bin directory of a build}
pg=/usr/lib/postgresql/15/bin
if [[ $EUID -ne 0 ]]; then echo "postgis_test: skipped: needs root" >&2; exit 77; fi
if [[ ! -x $pg/initdb ]] || [[ ! -f /usr/share/postgresql/15/extension/postgis.control ]]; then
    echo "postgis_test: skipped: postgresql-15-postgis-3 is not installed" >&2
    exit 77
fi

dir=$(mktemp -d /tmp/wmsgate-postgis.XXXXXX)
chown postgres: "$dir"
as_postgres() { runuser -u postgres -- "$@"; }
cleanup() {
    as_postgres "$pg/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT

as_postgres "$pg/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
# No TCP at all: the socket in $dir is the only way in.
as_postgres "$pg/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses='' -k $dir -c fsync=off" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }

as_postgres psql -q -v ON_ERROR_STOP=1 -h "$dir" -d postgres <<'SQL'
CREATE EXTENSION postgis;
CREATE TABLE parcels (id integer PRIMARY KEY, class text, owner text,
                      geom geometry(Polygon, 4326));
INSERT INTO parcels VALUES
  (1, 'forest', 'Ada', 'SRID=4326;POLYGON((0 0,10 0,10 10,0 10,0 0))'),
  (2, 'water', 'Bea', 'SRID=4326;POLYGON((20 0,40 0,40 20,20 20,20 0),(25 5,25 15,35 15,35 5,25 5))');
CREATE INDEX parcels_geom ON parcels USING GIST (geom);
SQL

WMSGATE_TEST_PG="host=$dir dbname=postgres user=postgres" "$bin/wms_vector_postgis_tests"

