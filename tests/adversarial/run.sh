#!/usr/bin/env bash
# Runs the example programs against adversarial input and checks that each one either
# succeeds or exits with code 2 and a short message, within bounded time and memory, and
# never panics. Cases live in tests/adversarial/*.cases (format in README.md).
#
# Usage: bash tests/adversarial/run.sh [PROFILE_DIR]   (default target/release/examples)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

bin_dir="${1:-target/release/examples}"
here=tests/adversarial
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Generators write inputs too large or too odd to keep in the repository.
for gen in "$here"/*.gen; do
  [ -e "$gen" ] || continue
  OUT="$tmp" bash "$gen" || { echo "generator $gen failed"; exit 1; }
done

pass=0
fail=0
failures=()
for cases in "$here"/*.cases; do
  while IFS=$'\t' read -r name example args want pattern || [ -n "${name:-}" ]; do
    [ -z "${name// }" ] && continue
    case "$name" in \#*) continue ;; esac
    args="${args//\$TMP/$tmp}"
    args="${args//\$DATA/$here/data}"
    out="$tmp/out.txt"
    err="$tmp/err.txt"
    # Word splitting of $args is intended: a case's arguments are separated by spaces.
    # shellcheck disable=SC2086
    ( ulimit -v 4194304; timeout 60 "$bin_dir/$example" $args ) >"$out" 2>"$err" </dev/null
    code=$?
    why=""
    if [ "$code" -eq 124 ]; then why="timed out after 60 s"
    elif [ "$code" -ne "$want" ]; then why="exit code $code, expected $want"
    elif grep -q 'panicked' "$err"; then why="panicked"
    elif [ "$(wc -c <"$err")" -gt 4096 ]; then why="stderr is $(wc -c <"$err") bytes (an error must be short)"
    elif [ "$want" -eq 2 ] && [ "$(grep -c . "$err")" -ne 1 ]; then why="expected exactly one error line on stderr"
    elif [ -n "${pattern:-}" ] && ! grep -Eqs -- "$pattern" "$out" "$err"; then why="output does not match /$pattern/"
    fi
    if [ -z "$why" ]; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      failures+=("$(basename "$cases"): $name: $why; stderr: $(head -c 300 "$err")")
    fi
  done <"$cases"
done

for f in "${failures[@]}"; do echo "FAILED $f"; done
echo "adversarial: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
