#!/usr/bin/env bash
# Checks that every C++ source in the tree is formatted with the project's .clang-format; with --fix,
# formats them. Lists the files that differ and exits 1 when any does.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "raceway: ${#bad[@]} file(s) not formatted with .clang-format (run scripts/check-format.sh --fix):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "raceway: ${#files[@]} C++ files formatted with .clang-format"
