#!/usr/bin/env bash
# Installs what is missing, checks the C++ formatting, builds, and runs every test; then the core tests
# again under ThreadSanitizer, every test again under AddressSanitizer and UndefinedBehaviorSanitizer, and the
# libFuzzer targets (worker stream, parameters) for a bounded time under ASan + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/check-format.sh
./scripts/build.sh default
export QT_QPA_PLATFORM=offscreen
ctest --preset default
./scripts/build.sh tsan
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
  ctest --preset tsan
./scripts/build.sh asan
# Leak checking is off: Qt and fontconfig keep process-lifetime allocations that LeakSanitizer reports.
ASAN_OPTIONS="detect_leaks=0" UBSAN_OPTIONS="print_stacktrace=1" ctest --preset asan
./scripts/fuzz.sh "${RACEWAY_FUZZ_SECONDS:-30}"
