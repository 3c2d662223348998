#!/usr/bin/env bash
# Whole-process timing of the `score` example against psych (read.csv + scoreItems), in
# one run, as reported in docs/validation.md ("Scoring: whole process").
#
# Usage: bash benches/whole_process/run.sh [N ...]   (default: 100000 1000000)
# Needs hyperfine (Debian: apt-get install hyperfine), python3, and for the psych side
# Rscript with psych and jsonlite. Writes the surveys to $OUT (default a temporary dir).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out="${OUT:-$(mktemp -d)}"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000 1000000)
cargo build --release --quiet --example score
for n in "${sizes[@]}"; do
  [ -s "$out/survey_$n.csv" ] || python3 benches/whole_process/make_survey.py "$n" "$out"
done
for n in "${sizes[@]}"; do
  echo "== $n respondents x 60 items ($(du -h "$out/survey_$n.csv" | cut -f1))"
  hyperfine -N --warmup 1 --runs 10 \
    "target/release/examples/score --keys $out/keys.json $out/survey_$n.csv"
  if command -v Rscript >/dev/null 2>&1; then
    hyperfine --runs 3 \
      "Rscript docs/reference-scripts/score_speed.R $out/keys.json $out/survey_$n.csv"
  fi
done
