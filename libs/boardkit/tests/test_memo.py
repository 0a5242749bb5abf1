"""The kit's bounded stores keep the busy keys and drop the least recently used."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from boardkit.memo import BoundedMemo, Recent


def test_reading_an_entry_keeps_it_over_an_older_one() -> None:
    recent: Recent[str, int] = Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    assert recent.get("a") == 1  # b is now the least recently used
    recent.put("c", 3)
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (1, None, 3)
    assert len(recent) == 2


def test_rewriting_an_entry_keeps_it_and_drop_forgets_it() -> None:
    recent: Recent[str, int] = Recent(2)
    recent.put("a", 1)
    recent.put("b", 2)
    recent.put("a", 10)  # rewritten: b goes first
    recent.put("c", 3)
    assert (recent.get("a"), recent.get("b")) == (10, None)
    recent.drop("a")
    recent.drop("never there")
    assert recent.get("a") is None
    assert len(recent) == 1


def test_a_store_without_room_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Recent(0)
    with pytest.raises(ValueError, match="at least one"):
        BoundedMemo(0)


def test_the_memo_keeps_the_most_recently_used_answers() -> None:
    memo: BoundedMemo[str] = BoundedMemo(2)
    made: list[str] = []

    def make(key: str) -> Callable[[], str]:
        def build() -> str:
            made.append(key)
            return key.upper()

        return build

    assert memo.get("a", make("a")) == "A"
    memo.get("b", make("b"))
    memo.get("a", make("a"))  # now b is the least recently used
    memo.get("c", make("c"))
    assert len(memo) == 2
    memo.get("a", make("a"))
    memo.get("b", make("b"))
    assert made == ["a", "b", "c", "b"]


def test_a_failed_answer_is_not_kept() -> None:
    memo: BoundedMemo[int] = BoundedMemo(4)

    def broken() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError):
        memo.get("k", broken)
    assert len(memo) == 0
    assert memo.get("k", lambda: 7) == 7
