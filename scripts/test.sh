#!/usr/bin/env bash
# Installs what is missing, checks the C++ formatting, builds, and runs every test; then the core tests
# again under ThreadSanitizer, every test again under AddressSanitizer and UndefinedBehaviorSanitizer, and the
# libFuzzer targets (worker stream, parameters, saved runs, Chrome traces) for a bounded time under ASan +
# UBSan. Tests run as many at once as there are cores (they must pass on a loaded machine anyway).
# Prints how long each phase took at the end, also when one fails.
#   ./scripts/test.sh           everything: what CI runs
#   ./scripts/test.sh --quick   the format check, the default build and its tests only: the inner loop
#                               (no free-threaded Python is built: the tests that need one skip)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
case "${1:-}" in
  "") ;;
  --quick) quick=1 ;;
  *) echo "test.sh: unknown option '$1' (allowed: --quick, or nothing for every test)" >&2; exit 2 ;;
esac

phases=()
report() {
  local status=$?
  [ ${#phases[@]} -eq 0 ] && return
  echo "test.sh: phase times"
  printf '  %s\n' "${phases[@]}"
  printf '  %-22s %4d s\n' "total" "$SECONDS"
  [ "$status" -eq 0 ] || echo "test.sh: failed (status $status) in the phase after the last one listed"
}
trap report EXIT
phase() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  phases+=("$(printf '%-22s %4d s' "$name" $((SECONDS - start)))")
}

phase "install-deps" ./scripts/install-deps.sh
export RACEWAY_DEPS_CHECKED=1
phase "format check" ./scripts/check-format.sh
# A free-threaded CPython for the tests that compare the GIL with none (built once, then cached), before the
# build, which builds the tracer's accelerator for it too; the quick loop skips it, and those tests skip
# saying so.
free_threaded_python() { RACEWAY_FREE_THREADED_PYTHON=$(./scripts/get-free-threaded-python.sh | tail -1); }
if [ "$quick" -eq 0 ]; then
  phase "free-threaded python" free_threaded_python
  export RACEWAY_FREE_THREADED_PYTHON RACEWAY_REQUIRE_FREE_THREADED=1
fi
phase "build default" ./scripts/build.sh default
export QT_QPA_PLATFORM=offscreen
phase "tests default" ctest --preset default -j "$(nproc)"
[ "$quick" -eq 1 ] && exit 0
phase "build tsan" ./scripts/build.sh tsan
phase "tests tsan" env TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
  ctest --preset tsan -j "$(nproc)"
phase "build asan" ./scripts/build.sh asan
# Leak checking is off: Qt and fontconfig keep process-lifetime allocations that LeakSanitizer reports.
phase "tests asan" env ASAN_OPTIONS="detect_leaks=0" UBSAN_OPTIONS="print_stacktrace=1" ctest --preset asan -j "$(nproc)"
phase "fuzz" ./scripts/fuzz.sh "${RACEWAY_FUZZ_SECONDS:-30}"
