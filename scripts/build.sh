#!/usr/bin/env bash
# Configures and builds one CMake preset (default: "default"), installing packages first if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
preset=${1:-default}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
