#!/usr/bin/env bash
# Configures and builds one CMake preset (default: "default"), installing packages first if needed.
# Further arguments are the targets to build (default: all of the preset's).
#   ./scripts/build.sh default raceway     # the application only
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${RACEWAY_DEPS_CHECKED:-}" ] || ./scripts/install-deps.sh
preset=${1:-default}
shift || true
dir=build
[ "$preset" = default ] || dir=build-$preset
# A build directory made by another generator (these presets used Makefiles before Ninja) is configured
# afresh: CMake refuses to switch generators in place.
if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
  rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
fi
cmake --preset "$preset" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build --preset "$preset" -j "$(nproc)" "${targets[@]}"
