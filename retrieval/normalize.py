"""When are two answer strings the same answer? ("Jan 25" = "January 25", "over 90" = "90")."""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

MONTHS = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june",
    "jul": "july", "aug": "august", "sep": "september", "sept": "september",
    "oct": "october", "nov": "november", "dec": "december",
}
# Qualifiers that do not change which value is meant.
_FILLER = frozenset(
    "a an the more than over at least about some around nearly almost roughly approximately "
    "up to on in of".split()
)
# Words that make a different place of a name ("South Sudan", "New York"), never a first name.
_PLACE_WORDS = frozenset("north south east west northern southern eastern western new upper lower "
                         "central greater great little saint st".split())
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65536)
def answer_key(text: str) -> tuple[str, ...]:
    """Comparable tokens of an answer: case, punctuation, thousands commas, qualifiers gone."""
    text = unicodedata.normalize("NFKC", text).lower().replace("-", " ")
    text = re.sub(r"(?<=\d)[,.](?=\d{3}\b)", "", text)
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text).replace(".", " ")
    toks = [MONTHS.get(t, t) for t in _WORD.findall(text)]
    return tuple(t for t in toks if t not in _FILLER)


def same_answer(a: str, b: str) -> bool:
    """True when two answer strings name the same value or entity.

    Numbers must match exactly; names may differ in transliteration ("Sergei"/"Sergey")
    or drop a first name ("Kerry" / "John Kerry").
    """
    ka, kb = answer_key(a), answer_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if _has_digit(ka) or _has_digit(kb):
        return False
    short, long_ = sorted((ka, kb), key=len)
    names = a[:1].isupper() and b[:1].isupper()
    extra = long_[: len(long_) - len(short)]
    if names and long_[-len(short) :] == short and len(short[-1]) > 2 and not _PLACE_WORDS & set(extra):
        return True  # surname alone, or a title before the name
    ja, jb = " ".join(ka), " ".join(kb)
    # Transliterations differ in a letter or two at most ("Sergei"/"Sergey"), and so do
    # different names ("Austria"/"Australia"): the lengths must agree within one.
    if len(ka) != len(kb) or ja[0] != jb[0] or abs(len(ja) - len(jb)) > 1:
        return False
    return SequenceMatcher(None, ja, jb).ratio() >= 0.85


@lru_cache(maxsize=65536)
def _has_digit(key: tuple[str, ...]) -> bool:
    """Whether an answer key holds a number; clustering asks it of each pair of candidates."""
    return any(ch.isdigit() for t in key for ch in t)


def contains_run(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    """Whether `needle` occurs as consecutive tokens of `haystack` (answer keys)."""
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


# Particles inside names, written or left out at will: "Bashar al-Assad", "Bashar Assad".
_PARTICLES = frozenset({"al", "el", "ad", "bin", "ibn", "de", "da", "di", "van", "von", "der"})


def same(a: str, b: str) -> bool:
    """Two answers that name one thing: one inside the other ("Lavrov", "Sergei Lavrov"),
    spelt another way ("Sergei", "Sergey") or with a name's particle left out."""
    ka, kb = _name_key(a), _name_key(b)
    if not ka or not kb:
        return False
    return contains_run(ka, kb) or contains_run(kb, ka) or same_answer(a, b)


def _name_key(text: str) -> tuple[str, ...]:
    key = answer_key(text)
    return tuple(t for t in key if t not in _PARTICLES) or key
