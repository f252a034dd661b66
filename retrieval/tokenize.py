"""The one tokenizer for passages and questions: lowercase words, Snowball stems, no stopwords."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

# Function words only: content words such as "first", "name" or "part" stay searchable;
# "according (to)" names a source, as a preposition does.
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom whose why will with would you
    your yours yourself yourselves s t d ll m re ve also yet may might must shall us let
    ever many much whether either neither upon via per within without among amongst
    apart aside besides according
    """.split()
)

_ACRONYM = re.compile(r"\b(?:[^\W\d_]\.){2,}")
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")


def _mark_class() -> str:
    """Regex ranges of the combining marks (Mn, Mc, Me) of the Basic Multilingual Plane."""
    marks = [cp for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp)).startswith("M")]
    ranges, first = [], marks[0]
    for prev, cp in zip(marks, marks[1:] + [0]):
        if cp != prev + 1:
            ranges.append(f"\\u{first:04x}-\\u{prev:04x}")
            first = cp
    return "".join(ranges)


# A word is letters and digits, with the combining marks of scripts such as Devanagari.
_WORD = re.compile(rf"[^\W_](?:[^\W_]|[{_mark_class()}])*")
_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem of a lowercase word, spelt the American way: "neighbourhood" and
    "neighborhood", "organisation" and "organization" are one term."""
    return _stemmer.stemWord(BRITISH_ENGLISH_SPELLINGS.get(word, word))


def fold_accents(text: str) -> str:
    """Drop accents from Latin letters (Katyń -> Katyn); other scripts keep their marks."""
    if text.isascii():
        return text
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) and out and out[-1].isascii():
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def words(text: str) -> list[str]:
    """Surface words in order, before case folding (U.S. -> US, 1,000 -> 1000, Größe)."""
    text = fold_accents(unicodedata.normalize("NFKC", text))
    text = _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _THOUSANDS.sub("", text)
    return _WORD.findall(text)


def term(word: str) -> str | None:
    """Index term of one surface word, or None for a stopword.

    An all-capitals word is an acronym, never a stopword ("US", "IT", "WHO").
    """
    lower = word.lower()
    if lower in STOPWORDS and not is_acronym(word):
        return None
    return stem(lower)


def is_acronym(word: str) -> bool:
    """An all-capitals word of two letters or more: "US", "IT", "WHO"."""
    return len(word) > 1 and word.isupper()


def tokenize(text: str) -> list[str]:
    """Index terms of `text`, in order, repeats kept (BM25 counts them)."""
    return [t for w in words(text) if (t := term(w)) is not None]


# Lowercase words a name may hold between its capitalised ones ("Observatory for Human Rights").
_NAME_JOINERS = frozenset({"of", "for", "and", "the", "de"})
MAX_ACRONYM = 6


@lru_cache(maxsize=4096)
def acronym_terms(text: str) -> frozenset[str]:
    """Terms of the initials of every run of two or more capitalised words in `text`, so that
    "US" in a question matches "the United States" and "SOHR" "the Syrian Observatory for
    Human Rights". Runs inside runs count ("The United States" gives "US" too)."""
    found: set[str] = set()
    run: list[str] = []
    for word in words(text) + [""]:
        if word[:1].isupper():
            run.append(word[0])
            continue
        if run and word in _NAME_JOINERS:
            continue
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + MAX_ACRONYM) + 1):
                found.update(tokenize("".join(run[i:j])))
        run = []
    return frozenset(found)
