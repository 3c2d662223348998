#!/usr/bin/env python3
"""Compare regenerated reference files with the committed ones.

Python 3 standard library only. Run from the repository root:
    python3 docs/reference-scripts/compare_references.py NEW_DIR OLD_DIR [FILE ...]
NEW_DIR holds the files a reference script wrote (run it with NEW_DIR as its output folder),
OLD_DIR the committed files (crates/cocreate-core/tests/data, .../ext or
crates/cocreate-journey/tests/data). Without FILE arguments every .json and .csv file of
NEW_DIR is compared with the file of the same name in OLD_DIR.

For each file it prints one line: how many numbers were compared, the largest relative
difference |new - old| / max(|new|, |old|) (numbers whose absolute difference is at most
1e-14 count as equal: they are zero up to rounding), how many numbers differ by more than
1e-12 relative, and whether every difference stays within half a unit of the last digit the
committed file printed (the first reference set was written with 10 decimals, so its numbers
differ from full-precision ones by up to that rounding). It also reports keys, array lengths,
strings, booleans and nulls that differ. With --detail N it lists the N largest differences.
Keys named in --skip (default: `seconds`, the run times ChannelAttribution's calls took) are
not compared; the line says how many were skipped.
Exit status 0 when every file agrees to 1e-12 relative (or to its printed digits), else 1.
"""

import argparse
import csv
import json
import math
import os
import sys
from decimal import Decimal

REL_TOL = 1e-12
ABS_FLOOR = 1e-14


class Num:
    """A JSON or CSV number: its value and the text it was written as."""

    __slots__ = ("value", "text")

    def __init__(self, text):
        self.text = text
        self.value = float(text)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Num, parse_int=Num,
                         parse_constant=lambda c: Num(c))


def load_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    out = []
    for row in rows:
        cells = []
        for cell in row:
            c = cell.strip()
            if c in ("", "NA", "NaN"):
                cells.append(None)
                continue
            try:
                cells.append(Num(c))
            except ValueError:
                cells.append(c)
        out.append(cells)
    return out


def half_unit(text):
    """Half a unit in the last digit `text` prints (0 for integers written without a point)."""
    t = text.strip().lower()
    if t in ("nan", "inf", "-inf"):
        return 0.0
    d = Decimal(t)
    exp = d.as_tuple().exponent
    if isinstance(exp, str):
        return 0.0
    if "." not in t and "e" not in t:
        return 0.0
    return 0.5 * 10.0 ** exp


class Report:
    def __init__(self):
        self.n = 0
        self.max_rel = 0.0
        self.max_abs = 0.0
        self.worst = []  # (rel, abs, path, new, old)
        self.over_tol = 0
        self.beyond_print = 0
        self.structure = []
        self.strings = []
        self.skipped = 0

    def number(self, path, new, old):
        self.n += 1
        a, b = new.value, old.value
        if math.isnan(a) and math.isnan(b):
            return
        diff = abs(a - b)
        scale = max(abs(a), abs(b))
        rel = 0.0 if diff <= ABS_FLOOR or scale == 0 else diff / scale
        self.max_abs = max(self.max_abs, diff)
        if rel > self.max_rel:
            self.max_rel = rel
        if rel > 0:
            self.worst.append((rel, diff, path, new.text, old.text))
        if rel > REL_TOL:
            self.over_tol += 1
            hu = half_unit(old.text)
            if diff > hu * (1 + 1e-9) + 4e-16 * scale:
                self.beyond_print += 1

    def ok(self):
        return not self.structure and not self.strings and self.beyond_print == 0


SKIP = set()


def walk(new, old, path, rep):
    if path.rsplit("/", 1)[-1] in SKIP:
        rep.skipped += 1
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for k in old:
            if k not in new:
                rep.structure.append(f"{path}/{k}: missing in the regenerated file")
        for k in new:
            if k not in old:
                rep.structure.append(f"{path}/{k}: only in the regenerated file")
        for k in old:
            if k in new:
                walk(new[k], old[k], f"{path}/{k}", rep)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            rep.structure.append(f"{path}: {len(new)} entries, committed {len(old)}")
        for i, (a, b) in enumerate(zip(new, old)):
            walk(a, b, f"{path}[{i}]", rep)
    elif isinstance(old, Num) and isinstance(new, Num):
        rep.number(path, new, old)
    elif old is None and new is None:
        pass
    elif type(old) is type(new) and old == new:
        pass
    else:
        def show(v):
            if isinstance(v, Num):
                return v.text
            return json.dumps(v, default=lambda n: n.text)[:80]

        rep.strings.append(f"{path}: {show(new)} vs committed {show(old)}")


def compare_file(new_path, old_path):
    rep = Report()
    if new_path.endswith(".json"):
        walk(load_json(new_path), load_json(old_path), "", rep)
    else:
        new, old = load_csv(new_path), load_csv(old_path)
        if len(new) != len(old):
            rep.structure.append(f"{len(new)} rows, committed {len(old)}")
        for r, (a, b) in enumerate(zip(new, old)):
            if len(a) != len(b):
                rep.structure.append(f"row {r + 1}: {len(a)} cells, committed {len(b)}")
            for c, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"row {r + 1} col {c + 1}", rep)
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("new_dir")
    ap.add_argument("old_dir")
    ap.add_argument("files", nargs="*")
    ap.add_argument("--detail", type=int, default=0, help="list the N largest differences")
    ap.add_argument("--max-issues", type=int, default=5,
                    help="structure/string differences listed per file")
    ap.add_argument("--skip", action="append", default=None,
                    help="a key whose values are not compared (repeatable; default: seconds)")
    args = ap.parse_args()
    SKIP.update(args.skip if args.skip is not None else ["seconds"])
    files = args.files or sorted(
        f for f in os.listdir(args.new_dir) if f.endswith((".json", ".csv")))
    all_ok = True
    for name in files:
        new_path = os.path.join(args.new_dir, name)
        old_path = os.path.join(args.old_dir, name)
        if not os.path.exists(new_path):
            print(f"{name}: not regenerated")
            all_ok = False
            continue
        if not os.path.exists(old_path):
            print(f"{name}: no committed file to compare with")
            continue
        rep = compare_file(new_path, old_path)
        verdict = "OK" if rep.ok() else "DIFFERS"
        if rep.ok() and rep.over_tol:
            verdict = "OK (to the committed digits)"
        print(f"{name}: {verdict}: {rep.n} numbers, max rel diff {rep.max_rel:.3g}, "
              f"max abs diff {rep.max_abs:.3g}, {rep.over_tol} above {REL_TOL:g} rel, "
              f"{rep.beyond_print} beyond the committed digits, "
              f"{len(rep.structure)} structure and {len(rep.strings)} value differences"
              + (f", {rep.skipped} skipped ({', '.join(sorted(SKIP))})" if rep.skipped else ""))
        for line in (rep.structure + rep.strings)[: args.max_issues]:
            print(f"    {line}")
        if args.detail:
            for rel, diff, path, a, b in sorted(rep.worst, reverse=True)[: args.detail]:
                print(f"    rel {rel:.3g} abs {diff:.3g} {path}: {a} vs committed {b}")
        all_ok = all_ok and rep.ok()
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
