#!/usr/bin/env bash
# Draws the README's pictures of the scenarios again with the built command line (./scripts/build.sh
# first), each with the arguments written here, into docs/. The window's pictures (docs/window*.png)
# are screenshots of the window, taken by hand at 1280×800 (docs/window-explore.png: Run > Explore Every
# Order on counter threads=2 iterations=2, the dialog cropped).
set -euo pipefail
cd "$(dirname "$0")/.."
raceway=build/app/raceway
[ -x "$raceway" ] || { echo "raceway: build it first (./scripts/build.sh default raceway)" >&2; exit 2; }
draw() { # name, then the run's arguments
  local name=$1; shift
  "$raceway" run "$@" --png "docs/$name.png" >/dev/null
  echo "docs/$name.png"
}
draw counter-lock-off counter threads=4 iterations=200000 lock=off
draw counter-lock-on counter threads=4 iterations=200000 lock=on
draw compare compare workers=2 work_ms=300
draw semaphore semaphore
draw event event
draw condition condition
draw daemon daemon
draw timer timer
draw ping-pong ping-pong sync=on
draw bank bank
draw deadlock deadlock
draw counter-schedule counter threads=2 iterations=2 schedule=1,2,1,2,2,1,2,1
