"""Group equal answers from different sources; notice when strong sources disagree."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.dates import is_relative_date
from retrieval.normalize import same_answer
from retrieval.reader import Scored

SUPPORT_COVER = 0.5
CONFLICT_MARGIN = 1.5  # a rival value this close to the best score is a real disagreement
CONFLICT_KINDS = frozenset({"number", "date", "money", "percent", "duration"})
MAX_CLUSTERED = 60


@dataclass(frozen=True)
class Cluster:
    """Candidates that state one value, best first."""

    members: tuple[Scored, ...]

    @property
    def best(self) -> Scored:
        return self.members[0]

    @property
    def score(self) -> float:
        """Evidence for the value: log-sum-exp of its best score in each sentence.

        A value stated in several places outranks one stated once with a similar score.
        """
        per_sentence: dict[int, float] = {}
        for c in self.members:
            per_sentence.setdefault(c.sentence, c.score)
        top = self.best.score
        return top + math.log(sum(math.exp(s - top) for s in per_sentence.values()))


def cluster(cands: list[Scored]) -> list[Cluster]:
    """Greedy grouping of the top candidates by `same_answer`, in score order."""
    groups: list[list[Scored]] = []
    for cand in cands[:MAX_CLUSTERED]:
        for group in groups:
            if same_answer(group[0].text, cand.text):
                group.append(cand)
                break
        else:
            groups.append([cand])
    return sorted((Cluster(tuple(g)) for g in groups), key=lambda g: -g.score)


def supporting(group: Cluster, cover_of: Callable[[int], float]) -> list[Scored]:
    """One candidate per sentence that states the value where the question matches.

    `cover_of(sentence)` is how much of the question the sentence's surroundings match;
    a supporting sentence matches at least SUPPORT_COVER of what the best one does.
    """
    need = SUPPORT_COVER * cover_of(group.best.sentence)
    seen: set[int] = set()
    out = []
    for cand in group.members:
        if cand.sentence in seen or cover_of(cand.sentence) < need:
            continue
        seen.add(cand.sentence)
        out.append(cand)
    return out


def rivals(groups: list[Cluster], kind: str, sources_of: dict[int, str]) -> list[Cluster]:
    """Other values for the same question, stated by sources that do not state the best one."""
    if kind not in CONFLICT_KINDS or len(groups) < 2:
        return []
    best = groups[0].best
    backed = {sources_of[c.sentence] for c in groups[0].members}
    out = []
    for group in groups[1:]:
        elsewhere = [
            c for c in group.members
            if sources_of[c.sentence] not in backed and c.view.cover >= 0.8 * best.view.cover
        ]
        if (
            elsewhere
            and groups[0].score - group.score <= CONFLICT_MARGIN
            and group.best.label == best.label
            and not same_answer(group.best.text, best.text)
            # each counted from its own article's day: "this month" and "in the next few
            # days" may be one date, so they are no disagreement
            and not (is_relative_date(best.text) or is_relative_date(group.best.text))
        ):
            out.append(group)
    return out
