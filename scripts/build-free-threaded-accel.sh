#!/bin/sh
# The tracer's C accelerator for a free-threaded CPython (core/python/accel/raceway_accel.c built with
# RACEWAY_FREE_THREADED, without the limited API, which such a build does not offer): compiled against the
# interpreter scripts/get-free-threaded-python.sh makes ($RACEWAY_FREE_THREADED_PYTHON first) into
# OUTDIR/_raceway_accel<its extension suffix>, when the source is newer. Without that interpreter it does
# nothing: the tracer is pure Python there. Run by the build (CMake target raceway_tracer_accel_ft).
#
# usage: build-free-threaded-accel.sh SOURCE OUTDIR
set -eu
source=$1
outdir=$2
python=${RACEWAY_FREE_THREADED_PYTHON:-${XDG_CACHE_HOME:-$HOME/.cache}/raceway/python3.13t/bin/python3.13t}
[ -x "$python" ] || exit 0
info=$("$python" -E -S -c 'import sysconfig
print(sysconfig.get_paths()["include"]); print(sysconfig.get_config_var("EXT_SUFFIX")); print(sysconfig.get_config_var("Py_GIL_DISABLED") or 0)')
include=$(printf '%s\n' "$info" | sed -n 1p)
suffix=$(printf '%s\n' "$info" | sed -n 2p)
[ "$(printf '%s\n' "$info" | sed -n 3p)" = 1 ] || exit 0 # not free-threaded after all
out=$outdir/_raceway_accel$suffix
if [ -f "$out" ] && [ "$out" -nt "$source" ] && [ "$out" -nt "$python" ]; then exit 0; fi
mkdir -p "$outdir"
${CC:-cc} -O2 -g -shared -fPIC -std=c11 -fvisibility=hidden -DRACEWAY_FREE_THREADED -I"$include" \
  -Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-cast-function-type \
  -o "$out.tmp" "$source"
mv "$out.tmp" "$out"
