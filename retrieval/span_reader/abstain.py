"""When to answer: a logistic model of "this answer is right", fitted on the dev questions of
every corpus (training/calibrate.py), and one threshold chosen there."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# What the abstention model weighs, each computed by the reader for its best answer.
FEATURES = (
    "margin",  # span score minus the window's no-answer score: the model's own verdict
    "score",  # start + end logit of the span
    "rival_gap",  # margin over the best different answer (capped)
    "agree",  # other windows whose best span is the same answer
    "rank",  # log(1 + retrieval rank of the window's sentence)
    "bm25_rel",  # the window's BM25 score over the best one's
    "cover",  # idf share of the question's terms in the window
    "unseen",  # idf share of the question's terms the corpus never uses
)
RIVAL_CAP = 8.0


@dataclass(frozen=True)
class Abstention:
    """Weights over FEATURES, a bias and the threshold on the resulting probability."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    means: tuple[float, ...]
    scales: tuple[float, ...]

    @classmethod
    def from_settings(cls, settings: Mapping | None) -> Abstention:
        """The fitted model, or before any fit, the span model's own verdict (margin > 0)."""
        if not settings:
            n = len(FEATURES)
            return cls((1.0,) + (0.0,) * (n - 1), 0.0, 0.5, (0.0,) * n, (1.0,) * n)
        return cls(tuple(settings["weights"]), settings["bias"], settings["threshold"],
                   tuple(settings["means"]), tuple(settings["scales"]))

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.bias + sum(
            w * (features[name] - m) / s
            for w, name, m, s in zip(self.weights, FEATURES, self.means, self.scales))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def vector(features: Mapping[str, float]) -> Sequence[float]:
    return [features[name] for name in FEATURES]
