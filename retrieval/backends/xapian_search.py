"""Search Xapian shards (local folders or `xapian-tcpsrv` servers) with qabot's exact scores.

Xapian opens the shards as one database whose term and document counts are the whole
archive's. Its own BM25 differs from qabot's (rank-bm25's BM25Okapi floors the idf of terms
in over half the passages, and qabot scores a sentence and its window separately), so Xapian
only fetches a pool of candidates; each is then scored exactly as the in-process index scores
it, from the global statistics: the same passages come out on top (benchmarks measure it).

Shards fail. One that is down at start-up or stops answering is set aside: questions get
SearchUnavailable (a clear message), or, with `allow_partial`, an answer from the shards still
up, marked partial. Every `retry` seconds a question tries the missing shards again, so the
search recovers by itself when they are back. Changes written to a shard are seen within
`refresh` seconds.
"""
from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.backends import Ranked, SearchUnavailable
from retrieval.backends.xapian_shards import OWN, WINDOW, term_key, xapian_module
from retrieval.okapi import length_norm, weight

log = logging.getLogger(__name__)
Locate = Callable[[str, int], "int | None"]  # (source, sentence in it) -> passage, if known


@dataclass
class _Shard:
    spec: str  # a folder, or tcp://host:port
    db: Any = None  # the open database; None while the shard is down
    down_since: float = 0.0
    error: str = ""


@dataclass(frozen=True)
class _Stats:
    """The archive's statistics, over the shards up: what BM25Okapi needs beyond counts."""

    n: int
    avgdl_own: float
    avgdl_window: float
    average_idf_own: float
    average_idf_window: float


class XapianSearch:
    """The k best passages from Xapian shards, scored as the in-process index scores them."""

    def __init__(self, specs: Sequence[str], locate: Locate, *, pool: int = 100,
                 allow_partial: bool = False, timeout: float = 2.0, retry: float = 5.0,
                 refresh: float = 1.0, k1: float = 1.5, b: float = 0.75,
                 epsilon: float = 0.25) -> None:
        if not specs:
            raise ValueError("no Xapian shards given (QABOT_XAPIAN_SHARDS)")
        self.xapian = xapian_module()
        self.locate = locate
        self.pool, self.allow_partial = pool, allow_partial
        self.timeout, self.retry, self.refresh = timeout, retry, refresh
        self.k1, self.b, self.epsilon = k1, b, epsilon
        self.shards = [_Shard(spec) for spec in specs]
        # Xapian's objects are not for several threads at once; a search takes milliseconds
        self._lock = threading.Lock()
        self._db: Any = None
        self._stats: _Stats | None = None
        self._checked = 0.0
        self._warned_elsewhere = False
        with self._lock:
            for shard in self.shards:
                self._connect(shard)
            self._combine()

    def search(self, terms: list[str], k: int) -> Ranked:
        """The k best passages for query terms; SearchUnavailable when shards are down (and
        partial answers are not allowed)."""
        with self._lock:
            for _ in range(3):  # a failure reconnects or sets aside what failed, then tries again
                try:  # reopening to see new writes meets a shard that died, as a search does
                    self._revive()
                    up = [s for s in self.shards if s.db is not None]
                    if not up or (len(up) < len(self.shards) and not self.allow_partial):
                        raise SearchUnavailable(self._down_summary())
                    return Ranked(self._ranked(terms, k), partial=len(up) < len(self.shards))
                except self.xapian.Error as err:  # a network error or timeout: find who
                    log.warning("a Xapian shard failed during a search: %s", err)
                    self._recover()
            raise SearchUnavailable(self._down_summary())

    # -- connections ---------------------------------------------------------------------

    def _connect(self, shard: _Shard) -> None:
        try:
            if shard.spec.startswith("tcp://"):
                host, _, port = shard.spec[len("tcp://"):].rpartition(":")
                ms = int(self.timeout * 1000)
                shard.db = self.xapian.remote_open(host.strip("[]"), int(port), ms, ms)
            else:
                shard.db = self.xapian.Database(shard.spec)
            if shard.error:
                log.warning("Xapian shard %s is back", shard.spec)
            shard.error = ""
        except (self.xapian.Error, ValueError) as err:
            if not shard.error:
                log.warning("Xapian shard %s is down: %s", shard.spec, err)
            shard.db, shard.down_since, shard.error = None, time.monotonic(), str(err)

    def _combine(self) -> None:
        """One database over the shards up, and its statistics."""
        self._db, self._stats = None, None
        up = [s for s in self.shards if s.db is not None]
        if not up:
            return
        db = self.xapian.Database()
        for shard in up:
            db.add_database(shard.db)
        self._db = db
        self._stats = self._statistics(up)
        self._checked = time.monotonic()

    def _revive(self) -> None:
        """Try the shards that were down (every `retry` seconds); look for new writes."""
        now = time.monotonic()
        changed = False
        for shard in self.shards:
            if shard.db is None and now - shard.down_since >= self.retry:
                self._connect(shard)
                changed = changed or shard.db is not None
        if changed:
            self._combine()
        elif self._db is not None and now - self._checked >= self.refresh:
            self._checked = now
            if self._db.reopen():  # a shard was written to: counts and averages changed
                self._stats = self._statistics([s for s in self.shards if s.db is not None])

    def _recover(self) -> None:
        """After a failed search: connect again to each shard that no longer answers (a
        server restarted, or an idle connection it closed), setting aside those that stay
        silent; then search the shards up afresh."""
        for shard in self.shards:
            if shard.db is None:
                continue
            try:
                shard.db.keep_alive()
                shard.db.get_doccount()
            except self.xapian.Error as why:
                log.info("Xapian shard %s stopped answering (%s): connecting again",
                         shard.spec, why)
                self._connect(shard)
        self._combine()

    def _down_summary(self) -> str:
        down = [f"{s.spec} ({s.error})" for s in self.shards if s.db is None]
        return f"{len(down)} of {len(self.shards)} Xapian shards down: " + "; ".join(down)

    # -- scoring -------------------------------------------------------------------------

    def _statistics(self, up: list[_Shard]) -> _Stats:
        db = self._db
        n = db.get_doccount()
        own = sum(int(s.db.get_metadata("qabot:own_tokens").decode() or 0) for s in up)
        window = sum(int(s.db.get_metadata("qabot:window_tokens").decode() or 0) for s in up)
        return _Stats(n, own / max(n, 1), window / max(n, 1),
                      self._average_idf(OWN, n), self._average_idf(WINDOW, n))

    def _average_idf(self, prefix: str, n: int) -> float:
        """rank-bm25's mean idf over every term of the field (what floors common terms)."""
        total, count = 0.0, 0
        for item in self._db.allterms(prefix):
            df = item.termfreq
            total += math.log(n - df + 0.5) - math.log(df + 0.5)
            count += 1
        return total / count if count else 0.0

    def _idf(self, df: int, average: float) -> float:
        """rank-bm25's idf of a term `df` passages hold (0 when none does)."""
        stats = self._stats
        assert stats is not None
        if not df:
            return 0.0  # no passage holds it: it adds nothing, as in rank-bm25
        value = math.log(stats.n - df + 0.5) - math.log(df + 0.5)
        return self.epsilon * average if value < 0 else value

    def _pool_query(self, keys: dict[tuple[str, str], str], df: dict[tuple[str, str], int],
                    idf: dict[tuple[str, str], float], terms: list[str]) -> Any:
        """Xapian's query for the candidate pool, each term's weight scaled to qabot's.

        Xapian's BM25 idf is log(r) with r = (N - n + 0.5) / (n + 0.5), raised to
        log(r / 2 + 1) where r < 2; rank-bm25's is log(r), floored at a quarter of the mean
        idf for terms in over half the passages, and a repeated query word counts again.
        Unscaled, a common word weighs far less in Xapian than in qabot's score, and passages
        it lifts into the top 10 fell outside a pool of 100 (synthetic corpus of 100k
        passages: 5% of questions); scaled, Xapian ranks nearly as qabot does.
        """
        xapian = self.xapian
        assert self._stats is not None
        n = self._stats.n
        repeats = {t: terms.count(t) for t in set(terms)}
        parts = []
        for (field, t), key in keys.items():
            if not df[(field, t)] or idf[(field, t)] <= 0:
                continue
            r = (n - df[(field, t)] + 0.5) / (df[(field, t)] + 0.5)
            theirs = math.log(r if r >= 2 else r * 0.5 + 1)
            scale = repeats[t] * idf[(field, t)] / theirs if theirs > 0 else 1.0
            parts.append(xapian.Query(xapian.Query.OP_SCALE_WEIGHT, xapian.Query(key), scale))
        return xapian.Query(xapian.Query.OP_OR, parts)

    def _ranked(self, terms: list[str], k: int) -> list[tuple[int, float]]:
        xapian, stats = self.xapian, self._stats
        if not terms or stats is None or k <= 0:
            return []
        unique = list(dict.fromkeys(terms))
        keys = {(field, t): term_key(field, t) for t in unique for field in (OWN, WINDOW)}
        averages = {OWN: stats.average_idf_own, WINDOW: stats.average_idf_window}
        df = {pair: self._db.get_termfreq(key) for pair, key in keys.items()}  # one call each
        idf = {pair: self._idf(df[pair], averages[pair[0]]) for pair in keys}
        enquire = xapian.Enquire(self._db)
        enquire.set_weighting_scheme(xapian.BM25Weight(self.k1, 0, 1, self.b, 0.5))
        enquire.set_query(self._pool_query(keys, df, idf, terms))
        mset = enquire.get_mset(0, max(self.pool, k))
        mset.fetch()  # the candidates' data in one batch per shard
        passages, lengths, counts = [], [], []
        for i in range(mset.size()):
            source, j, own, window = json.loads(mset.get_document(i).get_data())
            where = self.locate(source, int(j))
            if where is None:  # not in this engine's corpus (yet): nothing to quote
                continue
            passages.append(where)
            lengths.append((sum(own.values()), sum(window.values())))
            counts.append([(own if field == OWN else window).get(t, 0) for field, t in keys])
        if not passages:
            if mset.size() and not self._warned_elsewhere:  # every match quotes an unknown document
                self._warned_elsewhere = True
                log.warning("the Xapian shards hold documents this corpus folder lacks: answers "
                            "need the folder the shards were written from (QABOT_CORPUS_DIR)")
            return []
        size = np.array(lengths, dtype=np.int64).reshape(-1, 2)
        tf = np.array(counts).reshape(len(passages), len(keys))
        column = {pair: i for i, pair in enumerate(keys)}
        sums = []
        for field, avgdl, average, slot in ((OWN, stats.avgdl_own, stats.average_idf_own, 0),
                                            (WINDOW, stats.avgdl_window,
                                             stats.average_idf_window, 1)):
            norm = length_norm(size[:, slot], self.k1, self.b, avgdl)
            score = np.zeros(len(passages))
            for t in terms:  # in query order, repeats again: rank-bm25's sum order
                score += weight(idf[(field, t)], tf[:, column[(field, t)]], norm, self.k1)
            sums.append(score)
        scores = sums[0] + sums[1]
        order = np.lexsort((np.array(passages), -scores))
        return [(passages[i], float(scores[i])) for i in order[:k] if scores[i] > 0]
