"""A parsed sentence's token attributes as plain tuples, read from spaCy once per Doc.

Every spaCy attribute access builds a Token object; the reader looks at each token many
times per candidate, so it reads these tuples instead. They are kept in the Doc's
`user_data`, so a sentence the ParseCache still holds is not read again.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from retrieval.tokenize import is_acronym, tokenize

_KEY = "qabot.tokens"
_labels: dict[str, str] = {}  # tags, parts of speech, relations and entity types: a few hundred


@dataclass(frozen=True)
class Tokens:
    """What the reader uses of each token, by token index."""

    text: tuple[str, ...]
    space: tuple[bool, ...]  # a space follows the token
    lower: tuple[str, ...]
    tag: tuple[str, ...]
    pos: tuple[str, ...]
    dep: tuple[str, ...]
    head: tuple[int, ...]  # index of the token's head; a root is its own head
    ent_type: tuple[str, ...]
    like_num: tuple[bool, ...]
    content: tuple[bool, ...]  # a number, or neither a stopword nor punctuation
    punct: tuple[bool, ...]
    terms: tuple[frozenset[str], ...]  # index terms of each token
    lemma: tuple[str, ...]  # lowercase

    def path(self, i: int) -> list[int]:
        """Token i, then its heads up to its root, as spaCy's `Token.ancestors` walks them."""
        path = [i]
        while self.head[path[-1]] != path[-1] and len(path) <= len(self.head):
            path.append(self.head[path[-1]])
        return path

    def span_text(self, start: int, end: int) -> str:
        """The text of tokens start..end-1, as spaCy's `Span.text` gives it."""
        words = [t + " " if sp else t for t, sp in zip(self.text[start:end], self.space[start:end])]
        return "".join(words[:-1]) + self.text[end - 1] if end > start else ""


@lru_cache(maxsize=32768)
def word_terms(text: str) -> frozenset[str]:
    """Index terms of one token's text; words recur across sentences, so they are cached."""
    return frozenset(tokenize(text))


# Suffix rewrites from a people's or language's adjective to its country's name, tried in
# turn (Syrian -> Syria, Iranian -> Iran, Italian -> Italy, Chinese -> China, Turkish ->
# Turkey, Israeli -> Israel); a rewrite that is no country never matches a question's term.
_DEMONYM_SUFFIXES = (
    ("ian", ""), ("ian", "a"), ("ian", "y"), ("an", "a"), ("an", "o"), ("n", ""), ("an", "any"),
    ("ese", ""), ("ese", "a"), ("ese", "on"), ("ish", "ey"), ("ish", "and"), ("i", ""),
)
_IRREGULAR_DEMONYMS = {
    "french": "france", "british": "britain", "dutch": "netherlands", "greek": "greece",
    "swiss": "switzerland", "welsh": "wales", "scottish": "scotland", "irish": "ireland",
    "english": "england", "spanish": "spain", "danish": "denmark", "swedish": "sweden",
    "finnish": "finland", "norwegian": "norway", "peruvian": "peru", "afghan": "afghanistan",
}


@lru_cache(maxsize=4096)
def demonym_terms(word: str) -> frozenset[str]:
    """Terms of the places a capitalised adjective may come from: "Syrian" matches a
    question about Syria, "Iranian-backed" one about Iran."""
    return frozenset(t for root in demonym_roots(word) for t in tokenize(root))


def demonym_roots(word: str) -> frozenset[str]:
    """The lowercase names of the places a people's adjective may come from: "syria" of
    "Syrian", "france" of "French"; only some of them are places."""
    lower = word.lower()
    roots = {_IRREGULAR_DEMONYMS.get(lower, "")} | {
        lower[: -len(end)] + new for end, new in _DEMONYM_SUFFIXES
        if lower.endswith(end) and len(lower) - len(end) >= 3
    }
    return frozenset(roots - {""})


# How the names of peoples, faiths and parties end: "Syrians", "Chinese", "Kurdish",
# "Israeli", "Dutch", "Catholic", "Buddhist", "Protestant".
_PEOPLE_ENDINGS = ("s", "an", "ese", "ish", "i", "ch", "ic", "ist", "nt")


def names_a_people(word: str) -> bool:
    """Whether a word the tagger calls a people reads as one: an adjective of a country
    ("Syrian") or a word with a people's ending; "Aleppo" does not."""
    return bool(demonym_terms(word)) or word.lower().endswith(_PEOPLE_ENDINGS)


def tokens(doc: Doc) -> Tokens:
    """The token table of `doc`, built on first use."""
    found = doc.user_data.get(_KEY)
    if found is None:
        found = doc.user_data[_KEY] = _read(doc)
    return found


def _read(doc: Doc) -> Tokens:
    rows = [
        (t.text, t.whitespace_ != "", t.lower_, t.tag_, t.pos_, t.dep_, t.head.i, t.ent_type_,
         # An acronym is never a stopword ("IS"), as in tokenize.
         t.like_num, (t.like_num or not t.is_stop or is_acronym(t.text)) and not t.is_punct,
         t.is_punct, t.lemma_.lower())
        for t in doc
    ]
    text, space, lower, tag, pos, dep, head, ent_type, like_num, content, punct, lemma = (
        tuple(col) for col in zip(*rows)) if rows else ((),) * 12
    # Cached Docs keep their tables: one string object per label, and a lowercase word
    # shares its text's string.
    lower = tuple(t if t == w else w for t, w in zip(text, lower))
    tag, pos, dep, ent_type = (tuple(_labels.setdefault(x, x) for x in col)
                               for col in (tag, pos, dep, ent_type))
    terms = tuple(
        word_terms(t) | demonym_terms(t) if e == "NORP" and t[:1].isupper() else word_terms(t)
        for t, e in zip(text, ent_type)
    )
    return Tokens(
        text, space, lower, tag, pos, dep, head, ent_type, like_num, content, punct, terms, lemma)

