"""rank-bm25's BM25Okapi arithmetic, operation for operation: scores that match it bit for bit."""
from __future__ import annotations

import math

import numpy as np


def idf(df: np.ndarray, n: int, epsilon: float) -> tuple[np.ndarray, float]:
    """The idf of terms with these passage counts, in first-appearance order, and their mean.

    Terms in over half the passages get epsilon times the mean, as rank-bm25 floors them.
    """
    out = raw_idf(df, n)
    # rank-bm25 keeps a running sum; cumsum adds in the same order (np.sum would pair up)
    average = float(np.cumsum(out)[-1]) / len(out) if len(out) else 0.0
    out[out < 0] = epsilon * average
    return out, average


def raw_idf(df: np.ndarray, n: int) -> np.ndarray:
    """log(n - df + 0.5) - log(df + 0.5) per term, before any floor."""
    values, inverse = np.unique(df, return_inverse=True)
    # math.log as rank-bm25 uses: numpy's vectorised log may round the last bit differently
    rest = np.array([math.log(n - int(v) + 0.5) for v in values])
    own = np.array([math.log(int(v) + 0.5) for v in values])
    return (rest - own)[inverse]


def length_norm(doc_len: np.ndarray, k1: float, b: float, avgdl: float) -> np.ndarray:
    """k1 * (1 - b + b * |d| / avgdl) per passage, as rank-bm25 computes it."""
    return k1 * (1 - b + b * doc_len / avgdl)


def weight(term_idf: float | np.ndarray, tf: np.ndarray, norm: np.ndarray, k1: float) -> np.ndarray:
    """A term's BM25Okapi weight in passages where it occurs `tf` times (0 gives 0.0)."""
    f = tf.astype(np.float64)
    out = f * (k1 + 1)
    f += norm  # in place, the same values: two temporaries instead of five
    out /= f
    out *= term_idf
    return out
