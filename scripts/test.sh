#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test; then builds the core with ThreadSanitizer and
# runs the core tests again under it.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh default
export QT_QPA_PLATFORM=offscreen
ctest --preset default
./scripts/build.sh tsan
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
  ctest --preset tsan
