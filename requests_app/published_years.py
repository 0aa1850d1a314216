"""Whether an organ's annual report for a year is already published.

The reports app depends on this app, never the reverse (style.md), yet registering a paper
application into a year whose report is out must be confirmed (domain.md "Clock edges"). The
reports app registers its answer here when it loads; without it no year counts as published.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Checker = Callable[[Any, int], bool]
_checkers: list[Checker] = []


def register(checker: Checker) -> None:
    """Add ``checker(organ, year) -> bool``; registering the same function twice is harmless."""
    if checker not in _checkers:
        _checkers.append(checker)


def is_published(organ: Any, year: int) -> bool:
    return any(checker(organ, year) for checker in _checkers)
