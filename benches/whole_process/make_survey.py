"""Writes the survey the whole-process timing of `score` reads: N respondents x 60 items
(five interleaved 12-item scales on 1-5, every third item reverse keyed, answers driven
by one trait per scale, 2% of answers missing), an `id` column, and its keys file.

Usage: python3 make_survey.py N OUT_DIR   (writes OUT_DIR/survey_N.csv, OUT_DIR/keys.json)
"""
import json
import random
import sys

N_SCALES, PER_SCALE = 5, 12
K = N_SCALES * PER_SCALE


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(20240611)
    scales = []
    for s in range(N_SCALES):
        items = [f"i{t * N_SCALES + s + 1}" for t in range(PER_SCALE)]
        reverse = [t % 3 == 2 for t in range(PER_SCALE)]
        scales.append({"name": f"S{s + 1}", "items": items, "reverse": reverse})
    with open(f"{out}/keys.json", "w") as f:
        json.dump({"name": "speed survey", "scale_min": 1, "scale_max": 5,
                   "item_order": [f"i{j + 1}" for j in range(K)], "scales": scales}, f)
    # Column j (0-based) belongs to scale j % 5 and is reversed when (j // 5) % 3 == 2.
    scale_of = [j % N_SCALES for j in range(K)]
    reversed_ = [(j // N_SCALES) % 3 == 2 for j in range(K)]
    rand, uniform = rng.random, rng.uniform
    with open(f"{out}/survey_{n}.csv", "w") as f:
        f.write("id," + ",".join(f"i{j + 1}" for j in range(K)) + "\n")
        for r in range(n):
            traits = [uniform(-1.5, 1.5) for _ in range(N_SCALES)]
            row = [f"R{r + 1}"]
            for j in range(K):
                if rand() < 0.02:
                    row.append("")
                    continue
                x = min(5, max(1, round(3 + traits[scale_of[j]] + uniform(-1.2, 1.2))))
                row.append(str(6 - x if reversed_[j] else x))
            f.write(",".join(row) + "\n")


if __name__ == "__main__":
    main()
