#!/usr/bin/env bash
# Builds and runs the Google Benchmark suite; extra arguments go to the benchmark binary.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh default
exec build/tests/raceway_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true "$@"
