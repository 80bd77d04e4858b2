#!/usr/bin/env bash
# Installs what is missing, builds the application (not the tests or benchmarks), and opens Raceway.
# Without a display it says so and runs a headless demo instead: the shared counter with the lock off
# and on, drawn to PNG files.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh default raceway
bin=build/app/raceway
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$bin" "$@"
fi
out=raceway-demo
mkdir -p "$out"
echo "No display found (DISPLAY is not set), so the window cannot open."
echo "Running the headless demo instead: the shared counter with the lock off, then on."
"$bin" run counter threads=4 iterations=200000 lock=off --png "$out/counter-lock-off.png" --svg "$out/counter-lock-off.svg"
"$bin" run counter threads=4 iterations=200000 lock=on --png "$out/counter-lock-on.png" --svg "$out/counter-lock-on.svg"
echo "Open the pictures in $out/, or run the window under a virtual display: xvfb-run $bin"
