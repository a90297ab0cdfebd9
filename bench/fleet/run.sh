#!/usr/bin/env bash
# Starts a temporary PostgreSQL 15 cluster (tests/support/pg_cluster.sh) and
# runs fleet_bench against it: peer add and fleet-wide revocation latency
# with 10,000 peers. Prints figures; not a test.
# Usage: bench/fleet/run.sh [BUILD_DIR] [PEERS] [SAMPLES]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$here/build}
exec bash "$here/tests/support/pg_cluster.sh" run \
    bash -c 'psql -X -q -d "$WMSGATE_TEST_PG" -c "CREATE DATABASE fleet_bench" &&
             exec "$0" "${WMSGATE_TEST_PG} dbname=fleet_bench" "$1" "$2"' \
    "$build/bin/fleet_bench" "${2:-10000}" "${3:-200}"
