#!/usr/bin/env python3
"""The journey references: ChannelAttribution, pm4py and the exact Markov solution.

Python 3.11 with ChannelAttribution 2.2.5, pm4py 2.7.23.11, pandas 3.1.1 and numpy 2.4.6
(`pip install ChannelAttribution==2.2.5 pm4py==2.7.23.11 pandas`; ChannelAttribution builds a
C++ extension, gcc is enough). Run from the repository root:
    python3 docs/reference-scripts/journey_references.py [OUT_DIR]
OUT_DIR defaults to crates/cocreate-journey/tests/data. Reads paths_small.csv and
events_small.csv from crates/cocreate-journey/tests/data and writes to OUT_DIR:
  heuristic_models.json          CA heuristic_models(): first, last and linear touch
  markov_order{1,2,3}.json       CA markov_model(order = k, var_null = "total_null"): its
                                 simulated removal effects (seed 0 and the spread of seeds
                                 0..90, a 1e7-path run), the states and transition counts,
                                 and the exact removal effects and attributions of the
                                 absorbing chain (infinite horizon, and truncated at CA's
                                 horizon), computed here with numpy
  markov_order1_no_null.json     CA's default call (no var_null: converting rows only)
  transition_matrix_order1.json  CA transition_matrix(order = 1, flg_equal = True / False)
  pm4py_touchpoints.json         pm4py DFG, start/end activities, variants, performance DFG
  pm4py_stages.json              with activity = touchpoint / stage
  journey_analytics.json         funnel, drop-off, time to conversion, path and journey
                                 lengths, use-stage outcomes, Sankey links (pandas; the
                                 definitions are written into the file)
  paths_small.csv                the ChannelAttribution input derived from events_small.csv
                                 (so that the committed copy can be checked against it)
The exact solutions and the counts are what the tests compare with; ChannelAttribution's own
numbers come from a Monte-Carlo simulation (deterministic for a seed) and are kept for
information, with their run times ("seconds", which differ on every run). About 30 s.
"""

import contextlib
import io
import json
import math
import os
import sys
import tempfile
import time
from collections import Counter, OrderedDict, defaultdict
from importlib.metadata import version

import numpy as np
import pandas as pd

import ChannelAttribution as ca
import pm4py

DATA = "crates/cocreate-journey/tests/data"
OUT = sys.argv[1] if len(sys.argv) > 1 else DATA
os.makedirs(OUT, exist_ok=True)
PATHS_CSV = os.path.join(DATA, "paths_small.csv")
EVENTS_CSV = os.path.join(DATA, "events_small.csv")

SOURCE = {"paths_csv": "paths_small.csv", "events_csv": "events_small.csv"}
VERSIONS = {p: version(p) for p in ("ChannelAttribution", "pm4py", "pandas", "numpy")}
START, CONV, NULL = "(start)", "(conversion)", "(null)"


def write(name, obj):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


@contextlib.contextmanager
def captured_stdout(lines):
    """Collects what C++ code prints on file descriptor 1 (CA's log) into `lines`."""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
            tmp.seek(0)
            text = tmp.read().decode("utf-8", "replace")
            lines.extend(l.strip() for l in text.splitlines()
                         if l.strip() and not l.startswith("***"))


def ca_run(fn, *args, **kwargs):
    """Runs a ChannelAttribution function; returns (result, log lines, seconds)."""
    log = []
    py = io.StringIO()
    t0 = time.time()
    with captured_stdout(log), contextlib.redirect_stdout(py):
        out = fn(*args, **kwargs)
    secs = time.time() - t0
    log.extend(l.strip() for l in py.getvalue().splitlines()
               if l.strip() and not l.startswith("***"))
    return out, log, secs


# ---- paths ----------------------------------------------------------------------------
paths = pd.read_csv(PATHS_CSV, dtype={"path": str})


def tokens(path):
    return [t.strip() for t in path.split(">") if t.strip()]


ROWS = [(tokens(p), int(c), float(v), int(n)) for p, c, v, n in
        zip(paths["path"], paths["total_conversions"], paths["total_conversion_value"],
            paths["total_null"])]
TOTAL_CONV = sum(r[1] for r in ROWS)
TOTAL_NULL = sum(r[3] for r in ROWS)
TOTAL_VALUE = float(paths["total_conversion_value"].sum())


def first_appearance(rows):
    seen = OrderedDict()
    for toks, *_ in rows:
        for t in toks:
            seen.setdefault(t, None)
    return list(seen)


def state_path(toks, k, collapse=True):
    """Order-k states of a path: sliding windows, consecutive repeats collapsed."""
    if len(toks) <= k:
        states = [tuple(toks)]
    else:
        states = [tuple(toks[i:i + k]) for i in range(len(toks) - k + 1)]
    if collapse:
        states = [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]
    return states


class Chain:
    """The k-order chain of ChannelAttribution's conventions, with counts."""

    def __init__(self, rows, k, with_null=True, collapse=True):
        self.rows = rows
        self.k = k
        self.channels = first_appearance(rows)
        self.cid = {c: i + 1 for i, c in enumerate(self.channels)}
        seen = OrderedDict()
        counts = defaultdict(float)
        conv_value = defaultdict(float)
        conv_count = defaultdict(float)
        self.longest = 0
        for toks, c, v, u in rows:
            sp = state_path(toks, k, collapse)
            self.longest = max(self.longest, len(sp))
            for s in sp:
                seen.setdefault(s, None)
            w = c + (u if with_null else 0)
            counts[(START, sp[0])] += w
            for a, b in zip(sp, sp[1:]):
                counts[(a, b)] += w
            if c:
                counts[(sp[-1], CONV)] += c
                conv_value[sp[-1]] += v
                conv_count[sp[-1]] += c
            if with_null and u:
                counts[(sp[-1], NULL)] += u
        self.states = list(seen)
        self.counts = {key: n for key, n in counts.items() if n > 0}
        self.value = {s: conv_value[s] / conv_count[s] for s in conv_count}
        out = defaultdict(float)
        for (a, _), n in self.counts.items():
            out[a] += n
        self.row_sum = out
        self.horizon = self.longest + 1

    def name(self, s):
        return s if isinstance(s, str) else list(s)

    def ca_id(self, s):
        return s if isinstance(s, str) else " ".join(str(self.cid[c]) for c in s)

    def prob(self, a, b):
        return self.counts[(a, b)] / self.row_sum[a]

    def matrices(self, removed=None):
        """Start vector, transient matrix Q, and the conversion column (states containing a
        removed channel are redirected to (null))."""
        n = len(self.states)
        idx = {s: i for i, s in enumerate(self.states)}
        keep = np.array([removed is None or removed not in s for s in self.states])
        s0 = np.zeros(n)
        Q = np.zeros((n, n))
        r = np.zeros(n)
        rv = np.zeros(n)
        for (a, b), cnt in self.counts.items():
            p = cnt / self.row_sum[a]
            if a == START:
                if b in idx:
                    s0[idx[b]] = p
            elif b == CONV:
                r[idx[a]] = p
                rv[idx[a]] = p * self.value[a]
            elif b != NULL:
                Q[idx[a], idx[b]] = p
        s0 = s0 * keep
        Q = Q * keep[np.newaxis, :] * keep[:, np.newaxis]
        r = r * keep
        rv = rv * keep
        return s0, Q, r, rv

    def absorb(self, removed=None, horizon=None):
        """P(conversion) and E[value] from (start): exact, or counting only conversions
        reached within `horizon` channel-state visits."""
        s0, Q, r, rv = self.matrices(removed)
        if horizon is None:
            A = np.eye(len(s0)) - Q
            x = np.linalg.solve(A, np.column_stack([r, rv]))
            return float(s0 @ x[:, 0]), float(s0 @ x[:, 1])
        p = e = 0.0
        v = s0
        for _ in range(horizon):
            p += float(v @ r)
            e += float(v @ rv)
            v = v @ Q
        return p, e

    def effects(self, horizon=None):
        p, e = self.absorb(horizon=horizon)
        re = []
        rev = []
        for c in self.channels:
            pc, ec = self.absorb(removed=c, horizon=horizon)
            re.append(1 - pc / p)
            rev.append(1 - ec / e)
        return {
            "p_conversion": p,
            "removal_effects_conversion": re,
            "expected_value_per_start": e,
            "removal_effects_conversion_value": rev,
            "total_conversions": [x / sum(re) * TOTAL_CONV for x in re],
            "total_conversion_value": [x / sum(rev) * TOTAL_VALUE for x in rev],
        }

    def transitions(self, order_pairs, with_ca_ids=True):
        out = []
        for a, b in order_pairs:
            t = {"from": self.name(a), "to": self.name(b)}
            if with_ca_ids:
                t["ca_from"] = self.ca_id(a)
                t["ca_to"] = self.ca_id(b)
            cnt = self.counts[(a, b)]
            t["count"] = int(cnt)
            t["probability"] = self.prob(a, b)
            out.append(t)
        return out


def ca_pairs(chain, tm):
    """The transitions in ChannelAttribution's order, as state pairs of `chain`."""
    by_id = {chain.ca_id(s): s for s in chain.states}
    by_id.update({START: START, CONV: CONV, NULL: NULL})
    pairs = [(by_id[a], by_id[b]) for a, b in zip(tm["channel_from"], tm["channel_to"])]
    ca_prob = np.array(tm["transition_probability"], dtype=float)
    ours = np.array([chain.prob(a, b) for a, b in pairs])
    assert set(pairs) == set(chain.counts), "transition sets differ from CA's"
    return pairs, float(np.max(np.abs(ca_prob - ours)))


def ca_vectors(res, channels):
    r = res["result"].set_index("channel_name")
    e = res["removal_effects"].set_index("channel_name")
    return {
        "total_conversions": [float(r.loc[c, "total_conversions"]) for c in channels],
        "total_conversion_value": [float(r.loc[c, "total_conversion_value"]) for c in channels],
        "removal_effects_conversion": [float(e.loc[c, "removal_effects_conversion"])
                                       for c in channels],
        "removal_effects_conversion_value": [float(e.loc[c, "removal_effects_conversion_value"])
                                             for c in channels],
    }


def max_abs(a, b):
    return max(abs(x - y) for x, y in zip(a, b))


CA_DEFAULTS = ("# defaults: nsim_start=1e5, max_step=None, nfold=10, seed=0, conv_par=0.05, "
               "rate_step_sim=1.5, ncore=1")
SIM_NOTE = ("stochastic estimate (one fold of nsim_start/nfold simulated paths, truncated at "
            "horizon_H channel-state visits); deterministic for a given seed")

# ---- heuristics -----------------------------------------------------------------------
h, _, _ = ca_run(ca.heuristic_models, paths, "path", "total_conversions",
                 var_value="total_conversion_value", sep=">")
channels = first_appearance(ROWS)
hh = h.set_index("channel_name")
heur = {
    "source": SOURCE,
    "versions": VERSIONS,
    "call": 'heuristic_models(Data, "path", "total_conversions", '
            'var_value="total_conversion_value", sep=">")',
    "match": "exact: conversions are integer sums; values/linear are f64 sums in row order "
             "(an independent port summing row by row matched bit for bit); allow 1e-9 "
             "relative otherwise",
    "channels": list(h["channel_name"]),
    "totals": {"total_conversions": TOTAL_CONV, "total_conversion_value": TOTAL_VALUE,
               "total_null": TOTAL_NULL, "rows": len(ROWS)},
}
for col in ("first_touch_conversions", "first_touch_value", "last_touch_conversions",
            "last_touch_value", "linear_touch_conversions", "linear_touch_value"):
    heur[col] = [float(x) for x in h[col]]
assert heur["channels"] == channels
write("heuristic_models.json", heur)

# ---- Markov models --------------------------------------------------------------------
for k in (1, 2, 3):
    chain = Chain(ROWS, k)
    call_args = dict(var_value="total_conversion_value", var_null="total_null", order=k,
                     out_more=True)
    res, log, secs = ca_run(ca.markov_model, paths, "path", "total_conversions", **call_args)
    again, _, _ = ca_run(ca.markov_model, paths, "path", "total_conversions", **call_args)
    sim = ca_vectors(res, chain.channels)
    deterministic = sim == ca_vectors(again, chain.channels)
    pairs, ca_prob_diff = ca_pairs(chain, res["transition_matrix"])
    print(f"order {k}: CA deterministic for seed 0: {deterministic}; CA's transition "
          f"probabilities vs count / row sum: max abs diff {ca_prob_diff:.3g}")
    seeds = [ca_vectors(ca_run(ca.markov_model, paths, "path", "total_conversions",
                               seed=s, **call_args)[0], chain.channels)
             ["removal_effects_conversion"] for s in range(0, 100, 10)]
    big, big_log, big_secs = ca_run(ca.markov_model, paths, "path", "total_conversions",
                                    nsim_start=int(1e7), **call_args)
    big = ca_vectors(big, chain.channels)
    inf = chain.effects()
    trunc = chain.effects(horizon=chain.horizon)
    states = [{"id": 0, "ca_id": START, "state": START}]
    states += [{"id": i + 1, "ca_id": chain.ca_id(s), "state": chain.name(s)}
               for i, s in enumerate(chain.states)]
    states += [{"id": len(chain.states) + 1, "ca_id": CONV, "state": CONV},
               {"id": len(chain.states) + 2, "ca_id": NULL, "state": NULL}]
    write(f"markov_order{k}.json", {
        "source": SOURCE,
        "versions": VERSIONS,
        "order": k,
        "ca_call": 'markov_model(Data, "path", "total_conversions", '
                   'var_value="total_conversion_value", var_null="total_null", '
                   f"order={k}, out_more=True)  {CA_DEFAULTS}",
        "channels": chain.channels,
        "ca_simulated": {
            "note": SIM_NOTE,
            "ca_log": log,
            "seconds": secs,
            **sim,
            "seeds_0_to_90_step_10_removal_effects_min": [min(v) for v in zip(*seeds)],
            "seeds_0_to_90_step_10_removal_effects_max": [max(v) for v in zip(*seeds)],
        },
        "ca_simulated_nsim_1e7": {
            "removal_effects_conversion": big["removal_effects_conversion"],
            "total_conversions": big["total_conversions"],
            "ca_log": big_log,
            "seconds": big_secs,
        },
        "horizon_H": chain.horizon,
        "exact_infinite_horizon": inf,
        "exact_truncated_horizon": trunc,
        "differences": {
            "max_abs_re_ca_vs_exact_infinite": max_abs(
                sim["removal_effects_conversion"], inf["removal_effects_conversion"]),
            "max_abs_re_ca_vs_exact_truncated": max_abs(
                sim["removal_effects_conversion"], trunc["removal_effects_conversion"]),
            "max_abs_re_value_ca_vs_exact_truncated": max_abs(
                sim["removal_effects_conversion_value"],
                trunc["removal_effects_conversion_value"]),
            "max_abs_re_exact_infinite_vs_truncated": max_abs(
                inf["removal_effects_conversion"], trunc["removal_effects_conversion"]),
            "max_abs_conv_ca_vs_exact_infinite": max_abs(
                sim["total_conversions"], inf["total_conversions"]),
            "max_abs_conv_ca_vs_exact_truncated": max_abs(
                sim["total_conversions"], trunc["total_conversions"]),
            "max_abs_value_ca_vs_exact_truncated": max_abs(
                sim["total_conversion_value"], trunc["total_conversion_value"]),
            "max_abs_re_ca1e7_vs_exact_truncated": max_abs(
                big["removal_effects_conversion"], trunc["removal_effects_conversion"]),
            "max_abs_conv_ca1e7_vs_exact_truncated": max_abs(
                big["total_conversions"], trunc["total_conversions"]),
        },
        "n_states": len(states),
        "states": states,
        "transition_matrix": chain.transitions(pairs),
    })

# CA's default call: no var_null, so only converting rows and no (null) state.
conv_rows = [r for r in ROWS if r[1] > 0]
chain = Chain(conv_rows, 1, with_null=False)
res, log, _ = ca_run(ca.markov_model, paths, "path", "total_conversions",
                     var_value="total_conversion_value", out_more=True)
sim = ca_vectors(res, list(res["result"]["channel_name"]))
pairs, _ = ca_pairs(chain, res["transition_matrix"])
write("markov_order1_no_null.json", {
    "source": SOURCE,
    "versions": VERSIONS,
    "ca_call": 'markov_model(Data, "path", "total_conversions", '
               'var_value="total_conversion_value", out_more=True)  # no var_null: CA keeps '
               "only rows with total_conversions>0, no (null) state",
    "channels": list(res["result"]["channel_name"]),
    "ca_simulated": {**sim, "ca_log": log},
    "exact_channels": chain.channels,
    "horizon_H": chain.horizon,
    "exact_infinite_horizon": chain.effects(),
    "exact_truncated_horizon": chain.effects(horizon=chain.horizon),
    "transition_matrix": chain.transitions(pairs, with_ca_ids=False),
})

# ---- transition_matrix() --------------------------------------------------------------
tm_out = {"source": SOURCE, "versions": VERSIONS}
for flag in (True, False):
    res, _, _ = ca_run(ca.transition_matrix, paths, "path", "total_conversions", "total_null",
                       order=1, flg_equal=flag)
    chain = Chain(ROWS, 1, collapse=not flag)
    ch = res["channels"]
    assert list(ch["channel_name"]) == chain.channels
    pairs, _ = ca_pairs(chain, res["transition_matrix"])
    tm_out[f"flg_equal_{flag}"] = {
        "call": 'transition_matrix(Data, "path", "total_conversions", "total_null", '
                f"order=1, flg_equal={flag})",
        "channels": [{"id_channel": int(i), "channel_name": n}
                     for i, n in zip(ch["id_channel"], ch["channel_name"])],
        "transitions": chain.transitions(pairs),
    }
write("transition_matrix_order1.json", tm_out)

# ---- event log: pm4py ---------------------------------------------------------------------
events = pd.read_csv(EVENTS_CSV, dtype={"customer_id": str, "touchpoint": str, "stage": str,
                                        "outcome": str})
events["timestamp"] = pd.to_datetime(events["timestamp"], utc=True)
events = events.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)
KEYS = dict(timestamp_key="timestamp", case_id_key="customer_id")

for key, name in (("touchpoint", "pm4py_touchpoints.json"), ("stage", "pm4py_stages.json")):
    dfg, sa, ea = pm4py.discover_dfg(events, activity_key=key, **KEYS)
    var = pm4py.get_variants(events, activity_key=key, **KEYS)
    perf, _, _ = pm4py.discover_performance_dfg(events, activity_key=key, **KEYS)

    def count_of(v):
        return v if isinstance(v, (int, np.integer)) else len(v)

    def stdev(pair):
        # pm4py's stdev of a single pair is not defined: written as null.
        a, b = pair
        n = dfg[(a, b)]
        return None if n < 2 else float(perf[pair]["stdev"])

    write(name, {
        "source": SOURCE,
        "versions": VERSIONS,
        "calls": [f'pm4py.discover_dfg(df, activity_key="{key}", timestamp_key="timestamp", '
                  'case_id_key="customer_id")',
                  "pm4py.get_variants(df, ...same keys...)",
                  "pm4py.discover_performance_dfg(df, ...same keys...)"],
        "n_events": len(events),
        "n_cases": int(events["customer_id"].nunique()),
        "dfg": [{"from": a, "to": b, "count": int(n)}
                for (a, b), n in sorted(dfg.items(), key=lambda kv: (-kv[1], kv[0]))],
        "start_activities": {a: int(n) for a, n in
                             sorted(sa.items(), key=lambda kv: (-kv[1], kv[0]))},
        "end_activities": {a: int(n) for a, n in
                           sorted(ea.items(), key=lambda kv: (-kv[1], kv[0]))},
        "n_variants": len(var),
        "variants": [{"variant": list(v), "count": int(count_of(n))} for v, n in
                     sorted(var.items(), key=lambda kv: (-count_of(kv[1]), list(kv[0])))],
        "performance_dfg_seconds": [
            {"from": a, "to": b, "mean": float(perf[(a, b)]["mean"]),
             "median": float(perf[(a, b)]["median"]), "min": float(perf[(a, b)]["min"]),
             "max": float(perf[(a, b)]["max"]), "sum": float(perf[(a, b)]["sum"]),
             "stdev": stdev((a, b))}
            for (a, b) in sorted(perf)],
    })

# ---- derived paths (the ChannelAttribution input) -----------------------------------------
journeys = OrderedDict()
for cid, g in events.groupby("customer_id", sort=True):
    pre = g[g["stage"] != "use"]
    conv = pre[pre["outcome"] == "conversion"]
    if len(conv):
        upto = pre.loc[:conv.index[0]]
        journeys[cid] = (list(upto["touchpoint"]), True, float(conv["value"].iloc[0]))
    else:
        journeys[cid] = (list(pre["touchpoint"]), False, 0.0)
agg = OrderedDict()
for toks, converted, value in journeys.values():
    p = " > ".join(toks)
    c, v, n = agg.get(p, (0, 0.0, 0))
    agg[p] = (c + converted, v + value, n + (not converted))
derived = sorted(agg.items(), key=lambda kv: (-(kv[1][0] + kv[1][2]), kv[0]))
with open(os.path.join(OUT, "paths_small.csv"), "w", encoding="utf-8") as f:
    f.write("path,total_conversions,total_conversion_value,total_null\n")
    for p, (c, v, n) in derived:
        f.write(f"{p},{c},{v:.2f},{n}\n")

# ---- journey analytics --------------------------------------------------------------------
STAGES = ["awareness", "evaluation", "inquiry", "purchase", "use"]
n_customers = int(events["customer_id"].nunique())
converters = events[events["outcome"] == "conversion"]
reached = {s: int(events.loc[events["stage"] == s, "customer_id"].nunique()) for s in STAGES}
drops = events[events["outcome"] == "drop_off"]
funnel = []
for i, s in enumerate(STAGES):
    funnel.append({
        "stage": s,
        "customers_reached": reached[s],
        "share_of_all": reached[s] / n_customers,
        "step_conversion_from_previous": None if i == 0 else reached[s] / reached[STAGES[i - 1]],
        "drop_offs_at_stage": int((drops["stage"] == s).sum()),
    })
first_ts = events.groupby("customer_id")["timestamp"].min()
ttc = np.array([(ts - first_ts[c]).total_seconds()
                for c, ts in zip(converters["customer_id"], converters["timestamp"])])
length_conv = Counter()
length_null = Counter()
for toks, c, _, u in ROWS:
    length_conv[len(toks)] += c
    length_null[len(toks)] += u
links = Counter()
for toks, c, _, u in ROWS:
    nodes = [f"{i + 1}:{t}" for i, t in enumerate(toks)]
    for a, b in zip(nodes, nodes[1:]):
        links[(a, b)] += c + u
    links[(nodes[-1], CONV)] += c
    links[(nodes[-1], NULL)] += u
use = events[events["stage"] == "use"]
last_use = use.groupby("customer_id").tail(1)
n_conv = len(converters)
write("journey_analytics.json", {
    "source": SOURCE,
    "versions": VERSIONS,
    "definitions": {
        "customers_reached": "distinct customer_id with >=1 event whose stage == S",
        "step_conversion_from_previous": "customers_reached[S] / customers_reached[previous "
                                         "stage in the fixed order]",
        "drop_offs_at_stage": "events with outcome == drop_off and stage == S (one per "
                              "non-converting customer)",
        "time_to_conversion_seconds": "timestamp(conversion event) - timestamp(first event), "
                                      "converters only; median = mean of two middle values "
                                      "for even n; p90 = numpy linear interpolation (R type 7)",
        "path_length": "number of touchpoints in paths_*.csv path (up to and including the "
                       "conversion event), weighted by total_conversions / total_null",
        "journey_length": "events per customer in events_*.csv (incl. use-stage events)",
        "sankey_links": "from paths_*.csv: node 'k:touchpoint' = touchpoint at 1-based step k; "
                        "consecutive steps linked with weight conv+null; last step linked to "
                        "(conversion) with conv and to (null) with null; sorted by (-count, "
                        "from, to)",
    },
    "n_customers": n_customers,
    "n_events": len(events),
    "n_converters": n_conv,
    "conversion_rate": n_conv / n_customers,
    "funnel": funnel,
    "drop_off_by_touchpoint": {t: int(n) for t, n in
                               sorted(Counter(drops["touchpoint"]).items())},
    "drop_off_by_stage_touchpoint": [
        {"stage": s, "touchpoint": t, "count": int(n)}
        for (s, t), n in sorted(Counter(zip(drops["stage"], drops["touchpoint"])).items(),
                                key=lambda kv: (STAGES.index(kv[0][0]), kv[0][1]))],
    "time_to_conversion_seconds": {
        "n": len(ttc), "mean": float(np.mean(ttc)), "median": float(np.median(ttc)),
        "p90": float(np.percentile(ttc, 90)), "min": float(ttc.min()), "max": float(ttc.max())},
    "path_length_distribution": {
        "converting": {str(n): c for n, c in sorted(length_conv.items()) if c},
        "non_converting": {str(n): c for n, c in sorted(length_null.items()) if c}},
    "mean_path_length": {
        "converting": sum(n * c for n, c in length_conv.items()) / sum(length_conv.values()),
        "non_converting": sum(n * c for n, c in length_null.items()) / sum(length_null.values())},
    "journey_length_distribution": {
        str(n): int(c) for n, c in sorted(Counter(events.groupby("customer_id").size()).items())},
    "use_stage": {
        "converters_with_use_events": int(use["customer_id"].nunique()),
        "last_use_outcome": {o: int(n) for o, n in sorted(Counter(last_use["outcome"]).items())}},
    "outcome_counts": {o: int(n) for o, n in sorted(Counter(events["outcome"]).items())},
    "conversion_value": {"total": float(converters["value"].sum()),
                         "mean_per_converter": float(converters["value"].sum()) / n_conv},
    "sankey_links": [{"from": a, "to": b, "count": int(n)} for (a, b), n in
                     sorted(links.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1])) if n],
})
