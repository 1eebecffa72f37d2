"""The top-k step the eval and the benchmark share for the peers (numpy only, no extras)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.peers import Peer, ranking


@pytest.mark.parametrize("size", [3, 5, 1000])
def test_a_peer_top_k_is_a_stable_sort_of_its_scores_cut_at_k(size: int) -> None:
    rng = np.random.default_rng(size)
    for _ in range(50):
        scores = rng.integers(0, 4, size).astype(float)  # many ties, at the cut too
        peer = Peer(lambda q, scores=scores: scores)
        for k in (1, 3, size + 2):
            expected = [i for i in np.argsort(-scores, kind="stable") if scores[i] > 0][:k]
            assert peer.top("q", k) == expected
    assert Peer(lambda q: np.ones(size)).top("q", 0) == []


def test_peer_top_uses_the_library_top_k_when_it_has_one() -> None:
    scores = np.array([0.1, 0.5, 0.5, 0.2])
    assert Peer(lambda q: scores).top("q", 2) == [1, 2]
    assert Peer(lambda q: scores, lambda q, k: [3] * k).top("q", 2) == [3, 3]


def test_a_peer_retrieves_no_passage_it_scored_zero() -> None:
    from bot.core.corpus import Passage

    passages = [Passage(f"d#s-{i}", "d", "S", ("S",), i + 1, f"text {i}") for i in range(4)]
    peer = Peer(lambda q: np.array([0.0, 0.3, 0.0, 0.1]))
    assert [p.number for p, _ in ranking(passages, peer, "q", 3)] == [2, 4]
    assert ranking(passages, Peer(lambda q: np.zeros(4)), "q", 3) == []
