#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs them for a bounded time shared among them
# (twice the argument in seconds, default 45: 90 s in all), starting from real inputs. Any crash or sanitizer report fails; the input that caused it
# is left in build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(fuzz_workerstream fuzz_params fuzz_runfile fuzz_chrometrace)
seconds=$(( ${1:-45} * 2 / ${#targets[@]} ))
./scripts/build.sh fuzz
[ -x build/app/raceway-worker ] || ./scripts/build.sh default
work=build-fuzz/run
rm -rf "$work"
mkdir -p "$work/stream" "$work/params" "$work/runfile" "$work/chrome" build-fuzz/crashes
# Seeds: what real workers write, and a few real parameter lines.
build/app/raceway-worker stream 40 > "$work/stream/stream" || true
build/app/raceway-worker cpu 300000 > "$work/stream/cpu" || true
printf '1 2 3\n5 10\n' | build/app/raceway-worker serve factorial 0 > "$work/stream/serve" || true
printf '\000threads=4\niterations=200000\nlock=on' > "$work/params/counter"
printf '\003inputs=1,2,3\nfunction=factorial' > "$work/params/pool"
build/app/raceway run counter threads=2 iterations=300 --save "$work/runfile/counter.raceway" > /dev/null || true
build/app/raceway run gil iterations=200 --save "$work/runfile/gil.raceway" > /dev/null || true
cp tests/data/chrome/* "$work/chrome/"
for target in "${targets[@]}"; do
  corpus="$work/stream"
  [ "$target" = fuzz_params ] && corpus="$work/params"
  [ "$target" = fuzz_runfile ] && corpus="$work/runfile"
  [ "$target" = fuzz_chrometrace ] && corpus="$work/chrome"
  echo "fuzzing $target for ${seconds}s"
  ASAN_OPTIONS="detect_leaks=0" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "build-fuzz/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix=build-fuzz/crashes/ -print_final_stats=1 "$corpus" 2>&1 | tail -n 12
done
