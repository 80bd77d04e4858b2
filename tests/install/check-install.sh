#!/usr/bin/env bash
# Raceway installed as a desktop application, checked the way a packager or a software centre would.
# Never touches the system: everything goes into a temporary directory that is removed afterwards.
#
#   check-install.sh prefix   BUILD_DIR VERSION APP_ID   cmake --install into a temporary prefix, then run
#                                                        the installed raceway (a thread scenario, and a
#                                                        process scenario whose worker is in libexec)
#   check-install.sh desktop  DESKTOP_FILE APP_ID        desktop-file-validate, no warnings
#   check-install.sh metainfo METAINFO_FILE VERSION APP_ID  appstreamcli validate --no-net, no warnings
#   check-install.sh deb      BUILD_DIR VERSION APP_ID   cpack -G DEB, its control data and file list, and
#                                                        the extracted package run
#
# Tools come from the environment (scripts/install-deps.sh installs them); CMAKE and CPACK may name the
# cmake and cpack to use.
set -euo pipefail

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
need() {
  [ -n "$(command -v "$1")" ] || fail "'$1' is not installed (scripts/install-deps.sh installs $2)"
}
# Runs a command, keeping what it printed for the failure message.
run() {
  local out status=0
  out=$("$@" 2>&1) || status=$?
  if [ "$status" -ne 0 ]; then
    printf '%s\n' "$out" >&2
    fail "exit status $status from: $*"
  fi
  printf '%s' "$out"
}

mode=${1:-}
shift || true
cmake=${CMAKE:-cmake}
cpack=${CPACK:-cpack}
# Physical path: raceway names its worker's places from its resolved executable path.
tmp=$(cd "$(mktemp -d "${TMPDIR:-/tmp}/raceway-install.XXXXXX")" && pwd -P)
trap 'rm -rf "$tmp"' EXIT

# The files every install holds, relative to the prefix (usr/ in the package).
expected_files() {
  local id=$1
  echo bin/raceway
  echo libexec/raceway/raceway-worker
  echo "share/applications/$id.desktop"
  echo "share/metainfo/$id.metainfo.xml"
  echo "share/icons/hicolor/scalable/apps/$id.svg"
  for size in 16 32 48 64 128 256 512; do
    echo "share/icons/hicolor/${size}x${size}/apps/$id.png"
  done
  echo share/man/man1/raceway.1.gz
  echo share/raceway/python/sitecustomize.py
  echo share/raceway/python/raceway_tracer/__init__.py
  echo share/raceway/examples/ping_pong.py
}

# Runs the raceway under ROOT (a prefix) as a user would: --version, a thread scenario and a process
# scenario. The process scenario's worker can only come from ROOT/libexec: bin holds no worker, and
# raceway never looks through PATH.
run_installed() {
  local root=$1 version=$2
  local raceway=$root/bin/raceway
  [ "$(run "$raceway" --version)" = "raceway $version" ] || fail "$raceway --version is not 'raceway $version'"
  local json
  json=$(run "$raceway" run counter threads=2 iterations=1000 --json)
  grep -q '"expected":2000' <<<"$json" || fail "counter run: no \"expected\":2000 in $json"
  grep -q '"problems":\[\]' <<<"$json" || fail "counter run reported problems: $json"
  json=$(run "$raceway" run processes processes=2 iterations=1000000 --json)
  grep -q '"exits":\["normal","normal"\]' <<<"$json" || fail "processes run: workers did not end normally: $json"
  grep -q '"failed":0' <<<"$json" || fail "processes run: a worker failed: $json"
  # A Python example traced with the tracer installed beside raceway (the source tree is not looked at).
  json=$(cd "$tmp" && RACEWAY_TRACER_DIR= run "$raceway" trace "$root/share/raceway/examples/ping_pong.py" --json)
  grep -q '"exit_code":0' <<<"$json" || fail "traced example: no \"exit_code\":0 in $json"
  grep -q '"printed_lines":10' <<<"$json" || fail "traced example: no \"printed_lines\":10 in $json"
}

case "$mode" in
prefix)
  build=$1 version=$2 id=$3
  prefix=$tmp/prefix
  need file file
  run "$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log"
  while read -r f; do
    [ -f "$prefix/$f" ] || fail "not installed: $f"
  done < <(expected_files "$id")
  [ -x "$prefix/libexec/raceway/raceway-worker" ] || fail "the installed worker is not executable"
  for f in "$prefix"/bin/*; do
    [ "$f" = "$prefix/bin/raceway" ] || fail "bin holds more than raceway: $f"
  done
  for size in 16 32 48 64 128 256 512; do
    file -b "$prefix/share/icons/hicolor/${size}x${size}/apps/$id.png" | grep -q "PNG image data, $size x $size," ||
      fail "the ${size}x${size} icon is not a $size x $size PNG"
  done
  man=$(run gzip -dc "$prefix/share/man/man1/raceway.1.gz")
  grep -q "^\.TH RACEWAY 1 .*\"raceway $version\"" <<<"$man" || fail "the man page's .TH does not name raceway $version"
  for verb in list describe run show; do
    grep -Eq "^\.BI? $verb( |\$)" <<<"$man" || fail "the man page does not describe '$verb'"
  done
  run_installed "$prefix" "$version"

  # Without its worker, raceway says where it looked, in one line, and fails.
  mkdir "$tmp/alone"
  cp "$prefix/bin/raceway" "$tmp/alone/"
  status=0
  "$tmp/alone/raceway" run processes processes=1 iterations=1000 >"$tmp/out" 2>"$tmp/err" || status=$?
  [ "$status" -eq 1 ] || fail "a raceway without its worker exited $status from the processes scenario, not 1"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "not one error line without the worker: $(cat "$tmp/err")"
  for place in "$tmp/alone/raceway-worker" "$tmp/libexec/raceway/raceway-worker"; do
    grep -qF "$place" "$tmp/err" || fail "the error without the worker does not name $place: $(cat "$tmp/err")"
  done
  ;;

desktop)
  file=$1 id=$2
  need desktop-file-validate desktop-file-utils
  [ "$(basename "$file")" = "$id.desktop" ] || fail "the desktop entry is not named $id.desktop"
  out=$(desktop-file-validate "$file" 2>&1) || {
    printf '%s\n' "$out" >&2
    fail "desktop-file-validate $file"
  }
  # Hints (two main categories: Development and Education, on purpose) are fine; warnings are not.
  if grep -v ': hint: ' <<<"$out" | grep -q .; then
    printf '%s\n' "$out" >&2
    fail "desktop-file-validate warns about $file"
  fi
  grep -qx "Icon=$id" "$file" || fail "the desktop entry's icon is not $id"
  grep -qx "Exec=raceway %f" "$file" || fail "the desktop entry does not start raceway on the file it is given (Exec=raceway %f)"
  ;;

metainfo)
  file=$1 version=$2 id=$3
  need appstreamcli appstream
  # Without --pedantic: the one pedantic note is the upper-case letter in the id, which is the desktop
  # entry's name and the icon's too.
  out=$(appstreamcli validate --no-net --no-color "$file" 2>&1) || {
    printf '%s\n' "$out" >&2
    fail "appstreamcli validate --no-net $file"
  }
  if grep -q '^[EW]:' <<<"$out"; then
    printf '%s\n' "$out" >&2
    fail "appstreamcli reports errors or warnings for $file"
  fi
  grep -q "<id>$id</id>" "$file" || fail "the metainfo's id is not $id"
  grep -q "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$file" ||
    fail "the metainfo does not launch $id.desktop"
  newest=$(grep -o '<release version="[^"]*"' "$file" | head -n1 | cut -d'"' -f2)
  [ "$newest" = "$version" ] || fail "the metainfo's newest release is '$newest', not the project's $version"
  ;;

deb)
  build=$1 version=$2 id=$3
  need dpkg-deb dpkg
  need dpkg-shlibdeps dpkg-dev
  run "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/package" >"$tmp/cpack.log"
  deb=$(find "$tmp/package" -maxdepth 1 -name "raceway_${version}_*.deb")
  [ -f "$deb" ] || fail "cpack made no raceway_${version}_*.deb"
  info=$(run dpkg-deb -I "$deb")
  grep -q '^ Package: raceway$' <<<"$info" || fail "the package is not named raceway"
  grep -q "^ Version: $version\$" <<<"$info" || fail "the package's version is not $version"
  grep -q '^ Section: devel$' <<<"$info" || fail "the package's section is not devel"
  grep -q '^ Depends: .*libqt6core6' <<<"$info" || fail "the package does not depend on Qt: $info"
  files=$(run dpkg-deb -c "$deb" | awk '{print $NF}')
  while read -r f; do
    grep -qx "./usr/$f" <<<"$files" || fail "not in the package: /usr/$f"
  done < <(expected_files "$id")
  grep -q '^\./usr/bin/raceway-worker$' <<<"$files" && fail "the worker is in bin, not libexec"
  run dpkg-deb -x "$deb" "$tmp/root"
  run_installed "$tmp/root/usr" "$version"
  ;;

*)
  echo "usage: $0 prefix|desktop|metainfo|deb ARGS... (see the top of this file)" >&2
  exit 2
  ;;
esac
echo "ok: $mode"
