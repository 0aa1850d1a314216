"""Precision and recall of the personal-data scan (catalog.pii) on labelled snippets.

    .venv/bin/python bench/pii_bench.py            # table per kind, then every miss
    .venv/bin/python bench/pii_bench.py --quiet    # table only

The snippets (bench/data/pii_snippets.jsonl, built by bench/pii_dataset.py) say which numbers
each one holds; a finding counts as a true positive when its kind and its number (without
separators) match a label of the same snippet. Pure Python: no database, no Django setup.
Results and targets: bench/pii.md.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog import pii  # noqa: E402

DATA = ROOT / "bench" / "data" / "pii_snippets.jsonl"
TARGETS = {"resident_id": 0.99, "mobile": 0.99}  # recall; precision ≥ 0.95 for every kind


def load() -> list[dict[str, object]]:
    with DATA.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def evaluate(snippets: list[dict[str, object]]) -> tuple[dict[str, Counter[str]], list[str]]:
    scores: dict[str, Counter[str]] = {kind: Counter() for kind in pii.KINDS}
    errors: list[str] = []
    for snippet in snippets:
        expected = Counter(
            (label["kind"], label["value"].lower() if label["kind"] == "email" else label["value"])
            for label in snippet["expected"]  # type: ignore[union-attr]
        )
        found = Counter((f.kind, f.normalised) for f in pii.scan(str(snippet["text"])))
        for key in expected | found:
            hit = min(expected[key], found[key])
            scores[key[0]]["tp"] += hit
            scores[key[0]]["fn"] += expected[key] - hit
            scores[key[0]]["fp"] += found[key] - hit
            if expected[key] > hit:
                errors.append(f"#{snippet['id']} {snippet['genre']}: missed {key[0]} {key[1]}")
            if found[key] > hit:
                errors.append(f"#{snippet['id']} {snippet['genre']}: false {key[0]} {key[1]}")
    return scores, errors


def ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def main() -> int:
    snippets = load()
    started = time.perf_counter()
    scores, errors = evaluate(snippets)
    elapsed = time.perf_counter() - started
    negatives = sum(1 for s in snippets if not s["expected"])
    print(f"{len(snippets)} snippets ({negatives} without personal data), {elapsed * 1000:.0f} ms")
    print("| kind | labelled | found | TP | FP | FN | precision | recall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    failed = False
    totals: Counter[str] = Counter()
    for kind in pii.KINDS:
        s = scores[kind]
        totals.update(s)
        precision, recall = ratio(s["tp"], s["tp"] + s["fp"]), ratio(s["tp"], s["tp"] + s["fn"])
        failed |= precision < 0.95 or recall < TARGETS.get(kind, 0.0)
        print(
            f"| {kind} | {s['tp'] + s['fn']} | {s['tp'] + s['fp']} | {s['tp']} | {s['fp']} | "
            f"{s['fn']} | {precision:.3f} | {recall:.3f} |"
        )
    precision = ratio(totals["tp"], totals["tp"] + totals["fp"])
    recall = ratio(totals["tp"], totals["tp"] + totals["fn"])
    print(
        f"| all | {totals['tp'] + totals['fn']} | {totals['tp'] + totals['fp']} | {totals['tp']} | "
        f"{totals['fp']} | {totals['fn']} | {precision:.3f} | {recall:.3f} |"
    )
    if "--quiet" not in sys.argv:
        for line in errors:
            print(line)
    print("targets met" if not failed else "TARGETS MISSED")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
