#!/usr/bin/env bash
# Regenerates every reference file into a temporary folder, one script at a time, and compares
# each with the committed file (compare_references.py). Nothing in the repository is written.
#
# Needs Rscript with lavaan 0.6-14, semTools 0.5-6, psych 2.2.9, GPArotation and jsonlite
# (apt-get install r-cran-lavaan r-cran-semtools r-cran-psych r-cran-gparotation
# r-cran-jsonlite) and, for the journey references, a Python with ChannelAttribution 2.2.5,
# pm4py 2.7.23.11 and pandas (PYTHON=/path/to/python chooses it; without them that part is
# skipped with a note). About five minutes. CI never runs this. Run from the repository root:
#   bash docs/reference-scripts/check_all.sh [TMP_DIR]
set -u
here=docs/reference-scripts
core=crates/cocreate-core/tests/data
journey=crates/cocreate-journey/tests/data
tmp=${1:-$(mktemp -d)}
py=${PYTHON:-python3}
mkdir -p "$tmp"
status=0

run() {  # run LABEL COMMAND...: runs one script, keeps its log
  local label=$1; shift
  echo "== $label"
  if ! "$@" >"$tmp/$label.log" 2>&1; then
    echo "   failed, see $tmp/$label.log"
    status=1
  fi
}
compare() {
  python3 "$here/compare_references.py" "$@" || status=1
}

echo "== data_sets"
Rscript "$here/data_sets.R" || status=1

run lavaan_fits Rscript "$here/lavaan_fits.R" "$tmp/core"
run bootstrap_path Rscript "$here/bootstrap_path.R" "$tmp/core"
run psych_scores Rscript "$here/psych_scores.R" "$tmp/core"
compare "$tmp/core" "$core"

run constraints Rscript "$here/constraints.R" "$tmp/constraints"
compare "$tmp/constraints" "$core/constraints"

run ext_robust_mi_relval Rscript "$here/ext_robust_mi_relval.R" "$tmp/ext"
run ext_omega Rscript "$here/ext_omega.R" "$tmp/ext"
compare "$tmp/ext" "$core/ext"

run robust_fixedx_fiml Rscript "$here/robust_fixedx_fiml.R" "$tmp/robust"
run robust_fiml_constraints Rscript "$here/robust_fiml_constraints.R" "$tmp/robust"
compare "$tmp/robust" "$core"

run latent_predict_y Rscript "$here/latent_predict_y.R" "$tmp/latent"
compare "$tmp/latent" "$core"

run ordinal_polychoric Rscript "$here/ordinal_polychoric.R" "$tmp/ordinal"
compare "$tmp/ordinal" "$core/ordinal"

# Regenerated and compared with the committed copies (the ordinal_* files are read by
# ordinal_lavaan.rs; the mg_* ones by sem_groups.rs and readiness_groups.rs).
run ext_groups_ordinal Rscript "$here/ext_groups_ordinal.R" "$tmp/ext_groups"
compare "$tmp/ext_groups" "$core/ext"

# The bootstrap SEs depend on R's stream: regenerated and compared like the others.
run lrt_and_group_bootstrap Rscript "$here/lrt_and_group_bootstrap.R" "$tmp/ext_lrt"
compare "$tmp/ext_lrt" "$core/ext"

run groups_estimators Rscript "$here/groups_estimators.R" "$tmp/ext_mg_estimators"
compare "$tmp/ext_mg_estimators" "$core/ext"

run groups_ordinal Rscript "$here/groups_ordinal.R" "$tmp/ext_mg_ordinal"
compare "$tmp/ext_mg_ordinal" "$core/ext"

run groups_ordinal_equal Rscript "$here/groups_ordinal_equal.R" "$tmp/ext_mg_ordinal_equal"
compare "$tmp/ext_mg_ordinal_equal" "$core/ext"

# The older scripts write into the repository's folders: run them in a copy of the inputs.
tree=$tmp/tree
mkdir -p "$tree/$core/ext" "$tree/examples/data"
cp "$core"/{HolzingerSwineford1939,PoliticalDemocracy,bfi}.csv "$tree/$core/"
cp examples/data/{cocreation_keyed_items.csv,cocreation_sem.lav} "$tree/examples/data/"
for s in growth_means factor_scores omega_two_factors; do
  run "$s" bash -c "cd '$tree' && Rscript '$PWD/$here/$s.R'"
done
compare "$tree/$core" "$core" demo_growth.csv demo_growth_mlx.csv growth_linear.json \
  growth_linear_sem.json growth_linear_x.json growth_linear_x_mlx.json \
  hs_equal_intercepts.json hs_fixed_intercepts.json path_mlx.json robust_growth_mlr.json \
  robust_hs_means_mlm.json robust_hs_means_mlr.json mi_cocreation_sem.json
compare "$tree/$core/ext" "$core/ext"

if "$py" -c "import ChannelAttribution, pm4py, pandas" >/dev/null 2>&1; then
  run journey_references "$py" "$here/journey_references.py" "$tmp/journey"
  compare "$tmp/journey" "$journey"
else
  echo "== journey_references: skipped ($py has no ChannelAttribution/pm4py/pandas)"
fi

echo "regenerated files are in $tmp"
exit $status
