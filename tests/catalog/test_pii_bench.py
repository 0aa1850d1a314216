"""The personal-data scan meets its targets on the labelled set of bench/pii.md (pure)."""

from __future__ import annotations

from bench import pii_bench


def test_labelled_set_has_at_least_200_snippets_with_hard_negatives() -> None:
    snippets = pii_bench.load()
    assert len(snippets) >= 200
    assert sum(1 for s in snippets if not s["expected"]) >= 50


def test_recall_of_id_and_mobile_numbers_and_precision_of_every_kind_meet_the_targets() -> None:
    scores, errors = pii_bench.evaluate(pii_bench.load())
    for kind, s in scores.items():
        precision = s["tp"] / (s["tp"] + s["fp"])
        recall = s["tp"] / (s["tp"] + s["fn"])
        assert precision >= 0.95, (kind, errors)
        assert recall >= pii_bench.TARGETS.get(kind, 0.0), (kind, errors)
