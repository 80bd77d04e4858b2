#!/usr/bin/env bash
# Installs the Debian 12 packages Raceway needs to build, test, package and run, if any are missing (the
# install tests validate the desktop entry and AppStream metadata and build the .deb); then the
# viewer test's npm packages (speedscope, puppeteer-core) when tests/viewers/node_modules is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(build-essential cmake ninja-build pkg-config qt6-base-dev qt6-svg-dev libgl-dev zlib1g-dev
          ccache libbenchmark-dev fonts-dejavu-core xvfb xauth xdotool x11-utils imagemagick chromium
          clang libclang-rt-14-dev clang-format python3 python3-dev
          desktop-file-utils appstream dpkg-dev file)
# Node and npm: a machine may already have them from another source (NodeSource's nodejs carries its own
# npm, and Debian's npm package would conflict with it), so Debian's are added only when a command is
# missing or node is older than the viewer test's packages allow (18).
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 18 ]; then
  packages+=(nodejs npm)
elif ! command -v npm >/dev/null; then
  packages+=(npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "raceway: installing missing packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "raceway: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=sudo
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The stamp is a copy of the lock file that the last successful `npm ci` installed: any change to the
# lock file (or a half-finished install, which leaves no stamp) installs again.
viewers=tests/viewers
stamp=$viewers/node_modules/.raceway-installed-lock
if ! cmp -s "$viewers/package-lock.json" "$stamp"; then
  echo "raceway: installing the viewer test's npm packages (npm ci in $viewers)"
  rm -f "$stamp"
  # puppeteer-core downloads no browser; the test drives Debian's chromium.
  (cd "$viewers" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$viewers/package-lock.json" "$stamp"
fi
