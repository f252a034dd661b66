"""Typos in a question, mended from the corpus's own words: "intercpetions" -> "interceptions".

A question word the corpus never uses, that is no English word either (WordNet knows none of
its forms), and that one edit (a letter dropped, added, changed, or two swapped) turns into a
word the corpus does use, is taken for a typo of that word; of several, the most frequent in
the corpus. Real words the corpus lacks ("refugees", "capital") are left alone, so that a
question about something else is still declined; so are names (capitalised words after the
first): "Carpathia" is no typo of "Carpathians" but another place, which the corpus may not
know.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from retrieval.tokenize import STOPWORDS, stem
from retrieval.wordnet import WordNet

MIN_LENGTH = 6  # shorter words have too many neighbours one edit away
MAX_LENGTH = 30  # longer is no word: its ~50 x length edits would only cost time
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"[A-Za-z]+")


def respell(text: str, idf: Mapping[str, float], lexicon: WordNet | None) -> str:
    """`text` with its typos mended (see the module's docstring)."""
    if lexicon is None:  # without a dictionary a typo cannot be told from a rare word
        return text
    return _WORD.sub(
        lambda m: m.group(0) if m.start() and m.group(0)[0].isupper()
        else _mended(m.group(0), idf, lexicon), text)


def _mended(word: str, idf: Mapping[str, float], lexicon: WordNet) -> str:
    lower = word.lower()
    if (not MIN_LENGTH <= len(lower) <= MAX_LENGTH or lower in STOPWORDS
            or stem(lower) in idf or lexicon.is_word(lower)):
        return word
    known = [(idf[t], e) for e in _edits(lower) if (t := stem(e)) in idf]
    if not known:
        return word
    # The most frequent term (lowest idf), spelt as an English word where one is.
    _, _, best = min((w, not lexicon.is_word(e), e) for w, e in known)
    return best.capitalize() if word[0].isupper() else best  # the question's first word


def _edits(word: str) -> set[str]:
    """Every string one edit away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]}
        | {a + c + b for a, b in splits for c in _LETTERS}
    )
