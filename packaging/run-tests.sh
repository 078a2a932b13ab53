#!/usr/bin/env bash
# Builds Cabas and runs every test, on SQLite and on a throwaway PostgreSQL server.
#   packaging/run-tests.sh            install missing Debian packages, build, test
# Environment: CABAS_BUILD_DIR (default build/release), CABAS_SKIP_DEPS=1 to skip the package check.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CABAS_BUILD_DIR:-$root/build/release}

if [ "${CABAS_SKIP_DEPS:-0}" != 1 ]; then
  "$root/packaging/install-deps.sh"
fi
"$root/packaging/build.sh" "$build"

# A PostgreSQL server of our own for the tests, stopped whatever happens.
pgdir=$(mktemp -d /tmp/cabas-pg.XXXXXX)
chmod 755 "$pgdir"
cleanup() { "$root/packaging/pg-test-cluster.sh" stop "$pgdir" || true; }
trap cleanup EXIT
CABAS_TEST_PG=$("$root/packaging/pg-test-cluster.sh" start "$pgdir")
export CABAS_TEST_PG
export CABAS_REQUIRE_PG=1
echo "run-tests: PostgreSQL test server at $CABAS_TEST_PG"

cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 600
