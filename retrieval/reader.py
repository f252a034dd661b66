"""The reader: score candidate spans in the retrieved sentences with a small linear model."""
from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import mul
from pathlib import Path

from spacy.tokens import Span

from retrieval.candidates import NUMERIC_LABELS, Candidate, extract
from retrieval.dates import wrong_date_form
from retrieval.features import BROAD_FOCUS, QUOTE_PAIRS, SentenceView, features, mismatch
from retrieval.parsed import word_terms
from retrieval.question import PEOPLES, Question
from retrieval.roles import doers
from retrieval.tokenize import acronym_terms, tokenize
from retrieval.wordnet import WordNet, wordnet

WEIGHTS = Path(__file__).parent / "data" / "reader.json"


@dataclass(frozen=True)
class Model:
    """Linear candidate scorer plus the logistic calibration of its confidence."""

    weights: dict[str, float]
    calibration: dict[str, float]

    def score(self, feats: dict[str, float]) -> float:
        # map, not a generator: the same products summed in the same order, faster
        return sum(map(mul, map(self.weights.get, feats, repeat(0.0)), feats.values()))

    def confidence(self, signals: dict[str, float]) -> float:
        """Probability that the best candidate is right (fit by scripts/train_reader.py)."""
        c = self.calibration
        z = c["bias"] + sum(c[name] * value for name, value in signals.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


# Which way each signal may move the confidence (+1 up, -1 down). Fitting with these signs
# keeps the calibration sensible beyond its training data: SQuAD 2.0's unanswerable
# questions reuse their paragraph's words, so unconstrained it learns that a missing
# question word makes an answer *more* likely right.
SIGNAL_SIGNS = {
    "score": 1, "margin": 1, "cover": 1, "window_cover": 1, "type_match": 1,
    "missing": -1, "unseen": -1, "missing_names": -1, "negation_mismatch": -1,
    "superlative_missing": -1, "names_apart": -1,
}


def signals(
    q: Question, view: SentenceView, type_match: float, score: float, margin: float
) -> dict[str, float]:
    """What the confidence of an answer is computed from."""
    return {
        "score": score, "margin": min(margin, 5.0), "cover": view.cover,
        "window_cover": view.window_cover, "missing": view.missing, "unseen": view.unseen,
        "type_match": type_match, **mismatch(q, view, stand_ins=True),
    }


@lru_cache(maxsize=4)
def load_model(path: Path = WEIGHTS) -> Model:
    """The versioned reader model shipped in retrieval/data/."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(data["weights"], data["calibration"])


@dataclass(frozen=True)
class Scored:
    """A candidate span with its text, its sentence and its model score."""

    text: str
    sentence: int  # index into the engine's sentence list
    view: SentenceView
    start: int
    end: int
    label: str
    score: float


def featurize(
    q: Question, views: list[tuple[int, SentenceView]]
) -> Iterator[tuple[int, SentenceView, Candidate, dict[str, float]]]:
    """Every candidate of the given sentences with its features, except those that merely
    repeat the question ("the city" for "which city ..."), or are of a kind it cannot want
    (a person for "which country", a month for "which day of the week")."""
    clashes = q.clashes
    asks_role = bool(q.role_places) and q.office is not None
    # "Syrian President Bashar al-Assad" read for "Who is the president of Syria?": the text
    # names the holder, so a person titled with the role for no place ("President Obama") is not.
    holder_named = asks_role and any(
        _role_places(q, view, i) == "asked" for _, view in views for i in _name_heads(view))
    for sent_id, view in views:
        for cand in extract(view.doc):
            if cand.label in clashes or _cannot_answer(q, view, cand):
                continue
            if asks_role and _not_the_role_holder(q, view, cand, holder_named):
                continue
            f = features(q, view, cand)
            if not f["q_overlap_all"] and not _repeats_question(q, view, cand):
                yield sent_id, view, cand, f


def _repeats_question(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """Every word of the span is the question's, as written: "French" for "How did China
    vote on the French-drafted resolution?" (the places a people's name stands for, which
    the span's terms add, are not words of it)."""
    tk = view.tokens
    words = [word_terms(tk.text[i]) for i in range(cand.start, cand.end)
             if tk.content[i] or tk.lower[i] in _COUNT_WORDS]  # "several groups" counts
    return bool(words) and all(ts and ts <= set(q.terms) for ts in words)


def _cannot_answer(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """A span of a kind the question's label alone does not rule out, but its details do."""
    return (
        _named_in_question(q, view, cand)
        or _abbreviates_question(q, view, cand)
        or wrong_date_form(q, view.tokens.span_text(cand.start, cand.end))
        or (q.counts and (not _is_count(view, cand) or _counts_other_beings(q, view, cand)
                          or _done_by_another(q, view, cand)))
        or ((q.measures or q.kind == "number") and not _is_count(view, cand, _AMOUNT_WORDS))
        or _an_unasked_part(q, view, cand)
        or _a_place_named_in_question(q, view, cand)
        or _another_kind_of_place(q, view, cand)
        or (q.focus in PEOPLES and not _names_a_people(view, cand))
        or _another_kind_of_thing(q, view, cand)
    )


def _another_kind_of_thing(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """"Which hotel ...?" takes neither "his counterpart" nor "Wednesday" nor "Sergey
    Lavrov": when the question asks for a concrete kind of thing (an artifact, an object, a
    substance), a span headed by a common noun or by a person's name or a date is no
    answer unless WordNet has its head as that kind, or that kind as its head's ("the
    printing press" for "What device ...?", "Palace" whatever the tagger calls it), or it
    qualifies the kind's noun ("moraine" of "moraine plateau"). Abstract kinds ("Which
    issue ...?", "What role ...?") and places are named too freely for that."""
    lexicon = wordnet()
    if (q.kind != "thing" or not q.focus or q.focus in BROAD_FOCUS or lexicon is None
            or lexicon.lexname(q.focus) not in _CONCRETE):
        return False
    span = view.doc[cand.start : cand.end]
    head = span.root
    words = [t.lower_ for t in span if not t.is_stop]
    if head.lemma_.lower() == q.focus or head.head.lemma_.lower() == q.focus or any(
            lexicon.is_a(w, q.focus) or lexicon.is_a(q.focus, w)
            for w in ("_".join(words), head.lemma_.lower())):
        return False
    if head.ent_type_ in ("DATE", "TIME"):
        return True
    if head.ent_type_ == "PERSON":
        return _is_a_person(span, lexicon)
    return (head.pos_ == "NOUN" and not head.ent_type_ and head.is_lower
            and bool(lexicon.senses(head.lemma_.lower())))


def _is_a_person(span: Span, lexicon: WordNet) -> bool:
    """A name the tagger calls a person's that surely is: a full name, or one with a title
    ("Minister Lavrov"); a lone unknown name ("Metrolink") is as often a thing's."""
    names = [t for t in span if t.ent_type_ == "PERSON"]
    return len(names) > 1 or any(lexicon.lexname(t.lower_) == "person" for t in span)


# WordNet classes of things a "which X" question may ask for by kind (places have theirs).
_CONCRETE = frozenset("artifact object substance food plant".split())


def _done_by_another(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """A count of what another did: "the air strikes had killed 25 people" answers no "How
    many people has the civil war killed?". Where the count's verb is the question's (or a
    word for it), its doer, if named, must share a term with the question's ("a civil war
    that has killed 250,000") or a WordNet kind ("the regime" for "the government")."""
    if q.agent is None:
        return False
    asked, agent = q.agent
    doc = view.doc
    counted = [t for t in doc[cand.start : cand.end] if t.like_num]
    if not counted:
        return False
    # "25 people", or "15" of "killed 25 people, 15 of them": the count's noun
    noun = counted[-1].head if counted[-1].dep_ in ("nummod", "appos") else counted[-1]
    verb = noun.head
    if noun.dep_ not in ("dobj", "nsubjpass") or not set(tokenize(asked)) <= view.terms[verb.i]:
        return False
    # "that" or "which" of a relative clause stands for the noun the clause is about
    named = [d for d in (verb.head if d.tag_ in ("WDT", "WP") and verb.dep_ == "relcl" else d
                         for d in doers(verb)) if d.pos_ in ("NOUN", "PROPN")]
    terms = {t for noun in agent for t in tokenize(noun)}
    lexicon = wordnet()
    return bool(named) and not any(
        view.terms[t.i] & terms or lexicon is not None and t.pos_ == "NOUN" and any(
            _related(t.lemma_.lower(), noun, lexicon) for noun in agent)
        for d in named for t in d.subtree)


def _related(a: str, b: str, lexicon: WordNet) -> bool:
    """One noun is a kind of the other, or both are kinds of one thing: "regime" and
    "government", "bombing" and "strike"."""
    return lexicon.is_a(a, b) or lexicon.is_a(b, a) or bool(
        lexicon.parents(a) & lexicon.parents(b))


def _names_a_people(view: SentenceView, cand: Candidate) -> bool:
    """"What nationality ...?" is answered by a people or a place ("British", "French and
    Italian"), never by an organisation or a common noun."""
    return cand.label in ("NORP", "GPE", "MOD", "LANGUAGE") or any(
        e in ("NORP", "GPE") for e in view.tokens.ent_type[cand.start : cand.end])


def _another_kind_of_place(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """A place whose own noun names another kind than the one asked for: "the Fardous
    district" for "In which city ...?" (but "the Syrian city of Aleppo" is one); a noun
    that names no place ("the two presidents"); or a name WordNet knows only as a rival
    kind ("France" for a city)."""
    lexicon = wordnet()
    if q.kind != "place" or not q.focus or lexicon is None:
        return False
    root = view.doc[cand.start : cand.end].root
    noun = root.lemma_.lower()
    if root.pos_ == "NOUN" and root.is_lower and not q.asks_kind:
        # "the two presidents", "the meeting" are no places at all.
        kind = lexicon.lexname(noun)
        return noun != q.focus and kind not in _PLACE_CLASSES or (
            kind == "location" and not lexicon.is_a(noun, q.focus))
    # A name WordNet knows only as a country is no city ("France" for "In which city ...?"),
    # and one it knows only as a city no country.
    rival = _RIVAL_PLACE_KINDS.get(q.focus)
    words = view.tokens.span_text(cand.start, cand.end).split()
    name = " ".join(words[words[0].lower() == "the" :])
    return rival is not None and lexicon.is_a(name, rival) and not lexicon.is_a(name, q.focus)


# WordNet's classes of the nouns a place can be called by: "the market place", "the
# hotel", "the Syrian city of Aleppo", "the opposition stronghold" (a group's place).
_PLACE_CLASSES = frozenset({"location", "artifact", "object", "group", None})
_RIVAL_PLACE_KINDS = {
    **dict.fromkeys(("city", "town", "village", "capital"), "country"),
    **dict.fromkeys(("country", "nation"), "city"),
}


def _a_place_named_in_question(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """"Russian Federation" for "According to Russia, who should decide ...?": another name
    of a place the question names (a WordNet sense of both) is what it asks about."""
    lexicon = wordnet()
    if cand.label not in ("GPE", "LOC", "ORG") or lexicon is None or not q.named_senses:
        return False
    words = view.tokens.span_text(cand.start, cand.end).split()
    name = " ".join(words[words[0].lower() == "the" :])
    return not q.named_senses.isdisjoint(lexicon.senses(name, every=True))


def _an_unasked_part(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """"More than 1,000 civilians" of "3,000 people including more than 1,000 civilians" (or
    "..., among them 322 civilians") is part of the count: not what a question that never
    names civilians asks for ("What is the total death toll?")."""
    if q.kind != "number":
        return False
    doc = view.doc
    nums = [t for t in doc[cand.start : cand.end] if t.like_num]
    if not nums or nums[-1].dep_ != "nummod":
        return False  # "15 of them": a part with no noun of its own is the question's noun
    noun = nums[-1].head
    whole = noun.head.head if noun.dep_ == "pobj" else None
    part = (whole is not None and noun.head.lower_ in ("including", "among")
            and whole.pos_ in ("NOUN", "PROPN") and whole.i != noun.i) or any(
        c.dep_ == "prep" and c.lower_ in ("among", "of") and any(
            g.lower_ in ("them", "whom") for g in c.children) for c in noun.children)
    return part and not view.terms[noun.i] & set(q.terms)


# Words that give a count without a digit: "several lakes", "twice", "millions of volts".
_COUNT_WORDS = frozenset(
    "several many few numerous dozen dozens hundreds thousands millions billions once twice "
    "thrice half single multiple couple both none".split())


# Words that say an amount without a number: "only a little", "minimal", "twice as much".
_AMOUNT_WORDS = (_COUNT_WORDS - {"both"}) | frozenset("little much minimal lot".split())


def _is_count(view: SentenceView, cand: Candidate, words: frozenset[str] = _COUNT_WORDS) -> bool:
    """"How many ...?" is answered by a number or a word of number, never by a bare noun
    phrase ("Syrian opposition groups"); "How much ...?" by one ("3:08" of time left) or a
    word of amount, never by what it measures ("financial aid and weapons" for "How much
    financial aid ...?"), nor by a phrase whose only number is a date's."""
    tk = view.tokens
    # A date's numbers count only in a number or a date: "Assad's crackdown in March 2011"
    # is no count of people, but "60" of "at age 60" (a DATE to the tagger) is an age.
    numeric = cand.label in NUMERIC_LABELS or cand.label in ("DATE", "TIME") or all(
        tk.like_num[cand.start : cand.end])
    return any(
        (tk.like_num[i] or w in words or any(ch.isdigit() for ch in w))
        and (numeric or tk.ent_type[i] not in ("DATE", "TIME"))
        for i, w in enumerate(tk.lower[cand.start : cand.end], cand.start))


_BEINGS = frozenset({"person", "group", "animal"})


def _counts_other_beings(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """A count of things for a question counting people: "twenty buses" for
    "How many civilians left?". Only WordNet's broad classes are compared: "troops" (a
    group) may answer "How many soldiers ...?"; and a count of people may answer one
    counting what befell them ("killed 250,000" for "How many deaths ...?")."""
    lexicon = wordnet()
    if lexicon is None or not q.focus:
        return False
    tk = view.tokens
    counted = [tk.head[i] for i in range(cand.start, cand.end)
               if (tk.like_num[i] or tk.lower[i] in _COUNT_WORDS)
               and tk.dep[i] in ("nummod", "amod") and tk.pos[tk.head[i]] == "NOUN"]
    if not counted:
        return False
    return lexicon.lexname(q.focus) in _BEINGS and any(
        (found := lexicon.lexname(tk.lemma[n])) is not None and found not in _BEINGS
        for n in counted)


def _named_in_question(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """A person the question names is who it asks about, not its answer ("Sergei Lavrov"
    for "Whom did Kerry see after his talks with Lavrov?"), unless it asks about their
    relatives ("Tesla's father" may be "Milutin Tesla")."""
    if cand.label != "PERSON":
        return False
    last = view.terms[cand.end - 1]
    return bool(last) and last <= q.names and not last & q.owners


def _abbreviates_question(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """"SOHR" for "Who heads the Syrian Observatory for Human Rights?" repeats the question."""
    word = view.tokens.text[cand.start]
    return (cand.end - cand.start == 1 and len(word) > 1 and word.isupper()
            and bool(view.terms[cand.start] & acronym_terms(q.text)))


def _not_the_role_holder(
    q: Question, view: SentenceView, cand: Candidate, holder_named: bool
) -> bool:
    """A person whose title gives the asked role, or a kind of it, for a place outside the
    asked one is not its holder: "Russian President Vladimir Putin" for "Who is the president
    of France?", "French President Francois Hollande" for "Which German leader ...?" (but
    not for "Which European leader ...?"); nor, once the text names the holder, is one
    titled with it for no place."""
    where = _role_places(q, view, _person(view, cand))
    return where in ("elsewhere", "another") or (where == "none" and holder_named)


def _name_heads(view: SentenceView) -> list[int]:
    """The head words of the people's names in the sentence ("Assad" of "Bashar al-Assad's")."""
    tk = view.tokens
    return [i for i, e in enumerate(tk.ent_type)
            if e == "PERSON" and (tk.head[i] == i or tk.ent_type[tk.head[i]] != "PERSON")]


def _person(view: SentenceView, cand: Candidate) -> int | None:
    """The name the span is, or is part of the title of ("Russian" of "Russian President
    Vladimir Putin"): the index of its head word."""
    tk, i = view.tokens, view.doc[cand.start : cand.end].root.i
    for _ in range(3):
        if tk.ent_type[i] == "PERSON":
            return i
        if tk.dep[i] not in ("compound", "amod") or tk.head[i] == i:
            return None
        i = tk.head[i]
    return None


def _role_places(q: Question, view: SentenceView, person: int | None) -> str | None:
    """Where the person's title gives the asked role, or a kind of it: "asked" (a place the
    question names, or in one), "elsewhere", "another" (the office's noun with other
    qualifiers: "Prime Minister" for "foreign minister"), "none" (a title without a place:
    "President Obama"), or None (no such title)."""
    if person is None:
        return None
    tk, root = view.tokens, view.doc[person]
    # The words before the name, in the span or not ("Russian President Vladimir Putin").
    title = {j for j in range(root.left_edge.i, root.i) if tk.ent_type[j] != "PERSON"}
    for kid in root.children:  # "Vladimir Putin, the Russian president"
        if kid.dep_ == "appos":
            title.update(range(kid.left_edge.i, kid.right_edge.i + 1))
    if root.dep_ == "appos":  # "the Russian president, Vladimir Putin"
        title.update(range(root.head.left_edge.i, root.head.i + 1))
    lexicon = wordnet()
    if not any(_names_role(q, view, j, lexicon) for j in title):
        return None
    if _another_office(q, view, title):
        return "another"
    places = [j for j in title if tk.ent_type[j] in ("GPE", "NORP")]
    if not places:
        return "none"
    return "asked" if any(in_asked_place(q, view, j, lexicon) for j in places) else "elsewhere"


def _another_office(q: Question, view: SentenceView, title: set[int]) -> bool:
    """The title names the asked office's noun with other qualifiers: "French Prime
    Minister Manuel Valls" holds no "French foreign minister"'s office."""
    tk = view.tokens
    for j in title if q.role_mods else ():
        if q.office not in view.terms[j]:
            continue
        said: set[str] = set()
        k = j - 1
        while k in title and not tk.ent_type[k] and tk.pos[k] in ("ADJ", "NOUN", "PROPN"):
            said |= view.terms[k]
            k -= 1
        if said and not said & q.role_mods:
            return True
    return False


def _names_role(q: Question, view: SentenceView, j: int, lexicon: WordNet | None) -> bool:
    """Title word j is the asked role, or a kind of it ("President" for "leader")."""
    tk = view.tokens
    return q.office in view.terms[j] or (
        lexicon is not None and tk.pos[j] in ("NOUN", "PROPN")
        and lexicon.is_a(tk.lemma[j], q.role or q.focus or ""))


def in_asked_place(q: Question, view: SentenceView, j: int, lexicon: WordNet | None) -> bool:
    """Place word j is a place the question names, or in one ("French" for "European")."""
    return is_asked_place(q, view.tokens.text[j], view.terms[j], lexicon)


def is_asked_place(q: Question, word: str, terms: frozenset[str],
                   lexicon: WordNet | None) -> bool:
    """A place word, with its terms, is a place the question names, or in one."""
    return bool(terms & q.role_places) or lexicon is not None and any(
        lexicon.is_in(word, region) for region in q.role_place_words)


def _with_kind_noun(q: Question, view: SentenceView, cand: Candidate) -> int:
    """Where the answer to "What kind of war ...?" ends: past the noun of the asked kind
    that the span qualifies ("civil war", not "civil"), so that it reads as an answer."""
    if not q.asks_kind or not q.focus:
        return cand.end
    head = view.doc[cand.start : cand.end].root.head
    if not cand.end <= head.i <= cand.end + 1 or head.pos_ not in ("NOUN", "PROPN"):
        return cand.end
    lexicon = wordnet()
    kind = set(tokenize(q.focus))
    if kind & view.terms[head.i] or lexicon is not None and lexicon.is_a(head.lemma_, q.focus):
        return head.i + 1
    return cand.end


def _unpaired_quotes(text: str) -> str:
    """A span without a quotation mark at its edge whose partner lies outside it:
    "coordination" of 'was "coordination," mostly', but '"invisible" kinds' whole."""
    for opening, closing in QUOTE_PAIRS:
        inside = text[1:-1]
        if text[:1] == opening and closing not in inside and text[-1:] != closing:
            text = text[1:]
        elif text[-1:] == closing and opening not in inside and text[:1] != opening:
            text = text[:-1]
    return text


def read(q: Question, views: list[tuple[int, SentenceView]], model: Model) -> list[Scored]:
    """All candidates of the given sentences, best first."""
    out = [
        Scored(
            _unpaired_quotes(view.tokens.span_text(c.start, end)), sent_id, view, c.start,
            end, c.label, model.score(f),
        )
        for sent_id, view, c, f in featurize(q, views)
        for end in [_with_kind_noun(q, view, c)]
    ]
    out.sort(key=lambda c: -c.score)
    return out
