#!/usr/bin/env bash
# Builds a free-threaded CPython (configure --disable-gil) from the Debian source package python3.13 of
# the release after bookworm (trixie), and prints the interpreter's path as its last line.
#   ./scripts/get-free-threaded-python.sh      # ~5 minutes on 2 cores the first time, then nothing to do
# The source comes from the Debian archive the system's own apt sources name, fetched through a private
# apt state directory (a temporary sources file naming trixie's deb-src): the system's apt configuration
# is left as it is, and nothing but that archive is reached. The build goes to
# ${XDG_CACHE_HOME:-$HOME/.cache}/raceway/python3.13t; where it is there already, nothing is done.
set -euo pipefail
cache=${XDG_CACHE_HOME:-$HOME/.cache}/raceway
prefix=$cache/python3.13t
python=$prefix/bin/python3.13t
say() { echo "raceway: $*" >&2; }

free_threaded() {
  [ -x "$1" ] && "$1" -c 'import sys, sysconfig; sys.exit(0 if sysconfig.get_config_var("Py_GIL_DISABLED") else 1)' \
    2>/dev/null
}
if free_threaded "$python"; then
  echo "$python"
  exit 0
fi

# The archive the system already uses for its own release (deb822 .sources first, then sources.list).
mirror=""
for f in /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  mirror=$(awk '/^URIs:/ {u=$2} /^Suites:/ && / bookworm( |$)/ {print u; exit}' "$f")
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" && $0 ~ / bookworm / {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' \
    /etc/apt/sources.list)
fi
mirror=${mirror:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-trixie-stable.gpg
[ -f "$keyring" ] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/state/lists/partial" "$work/cache/archives/partial" "$work/src"
echo "deb-src [signed-by=$keyring] $mirror trixie main" >"$work/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State=$work/state" -o "Dir::State::Lists=$work/state/lists" -o "Dir::Cache=$work/cache"
  -o "Dir::State::status=/var/lib/dpkg/status" -o "APT::Sandbox::User=root")
say "fetching the python3.13 source package (trixie) from $mirror"
if ! apt-get "${apt_private[@]}" -qq update >"$work/update.log" 2>&1; then
  echo "raceway: cannot reach the Debian archive at $mirror (apt-get update failed: $(tail -1 "$work/update.log"))" >&2
  exit 1
fi
if ! (cd "$work/src" && apt-get "${apt_private[@]}" -qq source --download-only python3.13 >"$work/source.log" 2>&1); then
  echo "raceway: cannot fetch python3.13's source from $mirror ($(tail -1 "$work/source.log"))" >&2
  exit 1
fi
orig=$(ls "$work"/src/python3.13_*.orig.tar.* 2>/dev/null | head -1)
if [ -z "$orig" ]; then
  echo "raceway: the python3.13 source package from $mirror has no upstream tarball" >&2
  exit 1
fi
say "building $(basename "$orig") with --disable-gil into $prefix (a few minutes)"
tar -xf "$orig" -C "$work/src"
srcdir=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'Python-*' | head -1)
(
  cd "$srcdir"
  ./configure --disable-gil --prefix="$prefix" --without-ensurepip --disable-test-modules >"$work/configure.log" 2>&1 ||
    { tail -20 "$work/configure.log" >&2; exit 1; }
  make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -20 "$work/make.log" >&2; exit 1; }
  rm -rf "$prefix"
  make altinstall >"$work/install.log" 2>&1 || { tail -20 "$work/install.log" >&2; exit 1; }
)
if ! free_threaded "$python"; then
  echo "raceway: the build at $prefix is not free-threaded (Py_GIL_DISABLED is not set)" >&2
  exit 1
fi
echo "$python"
