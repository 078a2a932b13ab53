#!/usr/bin/env bash
# The whole test suite under AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer, built with
# clang, then a short fuzz run of every libFuzzer target (docs/testing.md).
#   packaging/run-sanitized-tests.sh
# Environment:
#   CABAS_SKIP_DEPS=1          skip the Debian package check
#   CABAS_ASAN_BUILD_DIR       build folder (default build/asan, the CMake preset "asan")
#   CABAS_FUZZ_SECONDS         seconds of fuzzing per target (default 45; 0: no fuzzing)
#   CABAS_FUZZ_TARGETS         the targets to fuzz, separated by spaces (default: every fuzz_* of the build)
#   CABAS_TEST_TIME_SCALE      how many times slower the tests may run than in the ordinary build (default 4: the
#                              sanitizers' own cost; the kill tests stretch their kill delays and time limits by it)
#   CABAS_SANITIZER_SCOPE      all (default): the whole suite, then the fuzz run; fuzz: only the fuzz targets,
#                              their corpus replay tests and the fuzz run (builds only cabas_core and tests/fuzz)
# A crash found by the fuzz run fails the script; the input that crashed is kept in the printed folder: fix the
# bug, then copy the input into tests/fuzz/corpus/<target>/ so that the test fuzz.replay.<target> keeps it fixed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${CABAS_ASAN_BUILD_DIR:-$root/build/asan}
fuzz_seconds=${CABAS_FUZZ_SECONDS:-45}
scope=${CABAS_SANITIZER_SCOPE:-all}
case "$scope" in all|fuzz) ;; *) echo "run-sanitized-tests: CABAS_SANITIZER_SCOPE must be all or fuzz" >&2; exit 2;; esac
all_fuzz_targets="csv persons_import checkups_import questionnaires_import attendance_import ledger_import feed programme"
jobs=$(nproc)

if [ "${CABAS_SKIP_DEPS:-0}" != 1 ]; then
  "$root/packaging/install-deps.sh"
fi

start=$(date +%s)
if command -v ccache >/dev/null 2>&1; then
  # As packaging/build.sh: paths relative to the checkout, so that another clone or build folder reuses the cache.
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  # The preset "asan" of CMakePresets.json (clang-14, sanitizers, fuzz targets), in the chosen folder.
  (cd "$root" && cmake --preset asan -B "$build")
fi
if [ "$scope" = all ]; then
  cmake --build "$build" --parallel "$jobs"
else
  build_targets=()
  for name in $all_fuzz_targets; do build_targets+=("fuzz_$name" "fuzz_replay_$name"); done
  cmake --build "$build" --parallel "$jobs" --target "${build_targets[@]}"
fi
echo "run-sanitized-tests: built in $(( $(date +%s) - start )) s"

# Sanitizer settings (docs/testing.md). Any report stops the program with a non-zero status.
export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_odr_violation=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
export CABAS_TEST_TIME_SCALE="${CABAS_TEST_TIME_SCALE:-4}"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"

# A PostgreSQL server of our own for the tests, stopped whatever happens (as packaging/run-tests.sh).
pgdir=$(mktemp -d /tmp/cabas-pg-asan.XXXXXX)
chmod 755 "$pgdir"
work=$(mktemp -d /tmp/cabas-fuzz.XXXXXX)
cleanup() {
  "$root/packaging/pg-test-cluster.sh" stop "$pgdir" || true
  if [ "${keep_work:-0}" != 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
CABAS_TEST_PG=$("$root/packaging/pg-test-cluster.sh" start "$pgdir")
export CABAS_TEST_PG
export CABAS_REQUIRE_PG=1
echo "run-sanitized-tests: PostgreSQL test server at $CABAS_TEST_PG"

suite_start=$(date +%s)
if [ "$scope" = all ]; then
  (cd "$build" && ctest --output-on-failure --parallel "$jobs" --timeout 1200)
else
  (cd "$build" && ctest --output-on-failure --parallel "$jobs" --timeout 1200 -R '^fuzz\.replay\.')
fi
echo "run-sanitized-tests: test suite under the sanitizers done in $(( $(date +%s) - suite_start )) s"

if [ "$fuzz_seconds" = 0 ]; then
  echo "run-sanitized-tests: no fuzzing (CABAS_FUZZ_SECONDS=0)"
  exit 0
fi

# The fuzz run: each target from its seed corpus, for a fixed time, $jobs targets at once. New inputs go to a
# scratch folder (the seed corpus in tests/ is never changed); crashes to $work/artifacts.
targets=${CABAS_FUZZ_TARGETS:-$all_fuzz_targets}
for name in $targets; do
  [ -x "$build/tests/fuzz/fuzz_$name" ] || { echo "run-sanitized-tests: no $build/tests/fuzz/fuzz_$name (CABAS_FUZZ=OFF?)" >&2; exit 1; }
done
mkdir -p "$work/artifacts"
fuzz_start=$(date +%s)
fuzz_one() {
  local name=$1
  mkdir -p "$work/corpus/$name"
  if "$build/tests/fuzz/fuzz_$name" -max_total_time="$fuzz_seconds" -timeout=30 -rss_limit_mb=2560 \
       -print_final_stats=1 -artifact_prefix="$work/artifacts/$name-" \
       "$work/corpus/$name" "$root/tests/fuzz/corpus/$name" >"$work/$name.log" 2>&1; then
    echo "run-sanitized-tests: fuzz_$name: $(grep -E '^stat::number_of_executed_units' "$work/$name.log" | awk '{print $2}') runs, no crash"
  else
    echo "run-sanitized-tests: fuzz_$name FAILED; its log:" >&2
    tail -n 60 "$work/$name.log" >&2
    return 1
  fi
}
failed=0
running=0
for name in $targets; do
  fuzz_one "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
echo "run-sanitized-tests: fuzzing done in $(( $(date +%s) - fuzz_start )) s"
if [ "$failed" != 0 ]; then
  keep_work=1
  echo "run-sanitized-tests: a fuzz target crashed; the inputs are in $work/artifacts:" >&2
  ls -l "$work/artifacts" >&2
  echo "fix the bug, then copy the input into tests/fuzz/corpus/<target>/ (replayed by the test fuzz.replay.<target>)" >&2
  exit 1
fi
echo "run-sanitized-tests: everything done in $(( $(date +%s) - start )) s"
