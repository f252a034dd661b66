"""Features of a candidate answer span, shared by the reader and its training script."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc, Token

from retrieval.candidates import Candidate
from retrieval.coverage import coverage
from retrieval.dates import date_form
from retrieval.parsed import Tokens, tokens
from retrieval.question import Question
from retrieval.roles import matches
from retrieval.tokenize import tokenize
from retrieval.wordnet import WordNet, wordnet

# How far after a span its list may go on: a conjunct further away is mostly the parser
# joining clauses of a long sentence (reading every conjunct cost 0.001 held-out EM).
_LIST_REACH = 12
# Quotation marks, opening and closing; the tokenizer also writes straight ones as `` and ''.
QUOTE_PAIRS = ('""', "“”", "«»")
_OPENING = frozenset(q[0] for q in QUOTE_PAIRS) | {"``"}
_CLOSING = frozenset(q[1] for q in QUOTE_PAIRS) | {"''"}
# The next sentence opens by referring back ("The city has ...", "He said ..."): the
# thing it talks about may be named in this sentence.
_DETERMINERS = frozenset("the this that these those".split())
_ANAPHORS = _DETERMINERS | frozenset("he she it they his her its their".split())
# An owner ("France's channel") or a describing word ("French channel") does not name it.
_GOVERNED_DEPS = frozenset({"compound", "appos", "pobj", "prep", "nummod"})
_ROOT_DEPS = ("nsubj", "nsubjpass", "dobj", "pobj", "appos", "compound", "attr", "conj", "npadvmod")
MAX_PATH = 8
_UNTYPED = frozenset({"NP", "PHRASE", "LIST", "MOD"})  # spans that carry no entity label
# WordNet's classes of the things a question kind asks for ("opposition fighters" for who).
_LEX_KINDS = {
    "person": frozenset({"person", "group"}), "org": frozenset({"group"}),
    "place": frozenset({"location", "artifact", "object"}), "date": frozenset({"time"}),
    "language": frozenset({"communication"}), "group": frozenset({"group", "cognition"}),
}
# Focus nouns everything is a kind of.
BROAD_FOCUS = frozenset("thing entity object name type kind sort form part way".split())


@dataclass(frozen=True)
class SentenceView:
    """A parsed sentence with what every candidate in it shares."""

    doc: Doc
    terms: tuple[frozenset[str], ...]  # index terms of each token
    weight: tuple[float, ...]  # idf weight of the question terms each token matches
    tokens: Tokens  # the doc's token attributes and dependency heads
    cover: float  # idf-weighted share of the question's terms found in the sentence
    window_cover: float  # the same for the sentence with its title and neighbours
    prev_cover: float  # coverage of the sentence before (0 at the start of a document)
    next_cover: float  # coverage of the sentence after
    missing: float  # the rarest question term absent from the window (idf / unseen-term idf)
    unseen: float  # share of the question's weight on terms the corpus never uses
    window: frozenset[str]  # terms of the sentence, its neighbours and its document's title
    words: frozenset[str]  # the sentence's lowercase words
    negated: bool
    best_cover: float  # the highest `cover` among the sentences read
    bm25_rel: float  # passage score / best passage score
    rank: int
    next_opening: tuple[str, ...] = ()  # first words of the next sentence, lowercase
    bigrams: float = 0.0  # share of the question's adjacent term pairs the sentence has
    names_apart: float = 0.0  # share of the question's names of several words the window lacks

    @cached_property
    def matched(self) -> list[int]:
        return [i for i, w in enumerate(self.weight) if w > 0]

    @cached_property
    def total_weight(self) -> float:
        return sum(self.weight) or 1.0


def token_terms(doc: Doc) -> tuple[frozenset[str], ...]:
    """Index terms of each token of a parsed sentence."""
    return tokens(doc).terms


def refers_back(doc: Doc) -> bool:
    """The sentence opens by referring to the one before: "Those strikes have killed ...",
    "The city has been divided ...", "It was founded ..."."""
    tk = tokens(doc)
    if not tk.lower:
        return False
    if tk.lower[0] in _DETERMINERS:
        return len(tk.pos) > 1 and tk.pos[1] == "NOUN"
    return tk.lower[0] in _ANAPHORS


def sentence_view(
    doc: Doc, terms: tuple[frozenset[str], ...], window: frozenset[str],
    weights: dict[str, float], next_opening: tuple[str, ...] = (),
    question: tuple[str, ...] = (), implied: frozenset[str] = frozenset(), **context: float,
) -> SentenceView:
    """Pre-compute the question-sentence alignment once per sentence.

    `implied` are terms the sentence stands for beyond its words (its names' initials, the
    sentence before's terms when it refers back); they count towards its coverage.
    `context` holds prev_cover, next_cover, missing, unseen, best_cover, bm25_rel, rank and
    names_apart.
    """
    cover = coverage(set().union(implied, *terms), weights)
    weight = tuple(sum(weights.get(t, 0.0) for t in ts) for ts in terms)
    table = tokens(doc)
    return SentenceView(
        doc, terms, weight, table, cover, coverage(window, weights), context["prev_cover"],
        context["next_cover"], context["missing"], context["unseen"], window,
        frozenset(table.lower), "neg" in table.dep,
        context["best_cover"], context["bm25_rel"], int(context["rank"]), next_opening,
        bigram_cover(question, terms), context.get("names_apart", 0.0),
    )


def bigram_cover(question: tuple[str, ...], terms: tuple[frozenset[str], ...]) -> float:
    """The share of the question's adjacent term pairs that are adjacent in the sentence too.

    A phrase of the question found whole ("Super Bowl", "market place") is stronger
    evidence than its words scattered over the sentence.
    """
    wanted = set(zip(question, question[1:]))
    if not wanted:
        return 0.0
    seq = [ts for ts in terms if ts]
    found = {(a, b) for x, y in zip(seq, seq[1:]) for a in x for b in y}
    return len(wanted & found) / len(wanted)


def mismatch(q: Question, view: SentenceView, stand_ins: bool = False) -> dict[str, float]:
    """Signs that the sentence is about something else than the question asks; with
    `stand_ins`, a country or capital acting in the question counts as named where the
    window gives another name of it or its capital's or country's (`Question.stand_ins`)."""
    return {
        "missing_names": len([
            n for n in q.names if n not in view.window and not (stand_ins and any(
                set(name) <= view.window for name in q.stand_ins.get(n, ())))
        ]) / len(q.names) if q.names else 0.0,
        "negation_mismatch": float(q.negated != view.negated),
        "superlative_missing": float(bool(q.superlatives - view.words)),
        "names_apart": view.names_apart,
    }


def is_type_match(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """The span is of the kind the question asks for; for "Which countries ...", a list
    of countries is."""
    if cand.label in q.labels:
        return cand.label != "TITLE" or _titles_named(q, view, cand)
    if q.plural and cand.label == "LIST":  # every item of the kind, not just the first
        tk, root = view.tokens, view.doc[cand.start : cand.end].root.i
        items = [root] + [i for i in range(cand.start, cand.end) if tk.dep[i] == "conj"]
        return all(tk.ent_type[i] in q.labels for i in items)
    return False


def _titles_named(q: Question, view: SentenceView, cand: Candidate) -> bool:
    """The post is held by a person the question names ("What is John Kirby's job?")."""
    root = view.doc[cand.start : cand.end].root
    holders = [root.head.i] + [k.i for k in root.children if k.dep_ == "appos"]
    return any(view.terms[i] & q.names for i in holders)


def tree_path(view: SentenceView, a: int, b: int) -> tuple[int, str]:
    """Edges between two tokens in the dependency tree, and the path's relations.

    The relations read up from `a` to the common head, then down to `b`
    ("pobj^prep^|nsubj"); paths over three edges are just "long".
    """
    pa, pb = view.tokens.path(a), view.tokens.path(b)
    common = set(pa) & set(pb)
    if not common:
        return MAX_PATH, "none"
    da = next(i for i, t in enumerate(pa) if t in common)
    db = next(i for i, t in enumerate(pb) if t in common)
    if da + db > 3:
        return min(da + db, MAX_PATH), "long"
    dep = view.tokens.dep
    up = "^".join(dep[t] for t in pa[:da])
    down = "^".join(dep[t] for t in pb[:db])
    return da + db, f"{up}|{down}"


def shape(text: str) -> str:
    """Coarse shape of a span: dddd for a year, d for numbers, X for names, x for words."""
    if text.isdigit() and len(text) == 4:
        return "dddd"
    if any(ch.isdigit() for ch in text):
        return "d"
    return "X" if text[:1].isupper() else "x"


def _quoted(tk: Tokens, s: int, e: int) -> bool:
    """Whether tokens s..e-1 are all a quotation holds: '"political rhetoric"', or
    '"coordination,"' with its comma inside the marks."""
    if e < len(tk.text) and tk.text[e] in (",", ".") and e + 1 < len(tk.text):
        e += 1
    return 0 < s and e < len(tk.text) and tk.text[s - 1] in _OPENING and tk.text[e] in _CLOSING


def features(q: Question, view: SentenceView, cand: Candidate) -> dict[str, float]:
    """Named feature values of one candidate; absent names are 0."""
    tk, s, e = view.tokens, cand.start, cand.end
    qterms = set(q.terms)
    total = view.total_weight
    cand_terms = set().union(*view.terms[s:e])
    overlap = len(cand_terms & qterms) / len(cand_terms) if cand_terms else 1.0
    outside = [i for i in view.matched if i < s or i >= e]
    dist = min((s - i if i < s else i - e + 1 for i in outside), default=len(tk.text))
    root_token = view.doc[s:e].root
    root = root_token.i
    path, relations = min((tree_path(view, root, i) for i in outside), default=(MAX_PATH, "none"))
    head = tk.head[root]
    dep = tk.dep[root] if tk.dep[root] in _ROOT_DEPS else "other"
    type_match = is_type_match(q, view, cand)
    text = tk.span_text(s, e)
    cshape = shape(text)

    def near(k: int) -> float:
        return sum(view.weight[i] for i in outside if s - k <= i < e + k) / total

    # Soft proximity: rare question words close to the span count most.
    gaps = [((s - i) if i < s else (i - e + 1), view.weight[i]) for i in outside]

    def prox(width: float) -> float:
        return sum(w * math.exp(-gap / width) for gap, w in gaps) / total
    left = set().union(*view.terms[max(0, s - 4) : s]) if s else set()

    f: dict[str, float] = {
        "bias": 1.0,
        f"label={cand.label}": 1.0,
        f"kind={q.kind}|label={cand.label}": 1.0,
        f"wh={q.wh}|label={cand.label}": 1.0,
        f"plural={q.plural}|label={cand.label}": 1.0,
        f"kind={q.kind}|shape={cshape}": 1.0,
        "type_match": float(type_match),
        f"kind={q.kind}|type_match": float(type_match),
        "q_overlap": overlap,
        "q_overlap_all": float(overlap >= 1.0),
        "cover": view.cover,
        "cover_sq": view.cover**2,
        "cover_rel": view.cover / view.best_cover if view.best_cover else 0.0,
        "window_cover": view.window_cover,
        "bm25_rel": view.bm25_rel,
        "top_rank": 1.0 / (1 + view.rank),
        "log_dist": math.log1p(dist),
        "near": float(dist <= 3),
        "near3": near(3),
        "near8": near(8),
        "prox": prox(4),
        "prox2": prox(2),
        "prox10": prox(10),
        f"kind={q.kind}|prox": prox(4),
        f"kind={q.kind}|path1": float(path <= 1),
        "prev_cover": view.prev_cover,
        "next_cover": view.next_cover,
        "next_better": max(0.0, view.next_cover - view.cover),
        "bigrams": view.bigrams,
        **mismatch(q, view),
        "path": path / MAX_PATH,
        "path1": float(path <= 1),
        "path2": float(path <= 2),
        f"path={relations}": 1.0,
        f"wh={q.wh}|path={relations}": 1.0,
        "matched_outside": min(len(outside), 8) / 8,
        "left_match": float(s > 0 and bool(view.terms[s - 1] & qterms)),
        "right_match": float(e < len(tk.text) and bool(view.terms[e] & qterms)),
        "log_len": math.log(e - s),
        "len1": float(e - s == 1),
        f"dep={dep}": 1.0,
        f"wh={q.wh}|dep={dep}": 1.0,
        "propn": tk.pos[s:e].count("PROPN") / (e - s),
        "pron": float("PRON" in tk.pos[s:e]),
        "has_num": float(any(tk.like_num[s:e])),
        "in_quotes": float(tk.text[0] in ('"', "“")),
        "verb_head_match": float(bool(view.terms[head] & qterms) and head != root),
    }
    if _quoted(tk, s, e):  # a word someone used, as "How did Putin describe ...?" asks
        f["quoted"] = 1.0
        f[f"wh={q.wh}|quoted"] = 1.0
    if tk.dep[root] == "pobj":  # the preposition it follows: "since" for when, "as" for how
        f[f"wh={q.wh}|prep={tk.lower[head]}"] = 1.0
    # "US Secretary of State John Kerry", "John Kerry, the US Secretary of State": the
    # question's words inside the candidate's own phrase, not just near it.
    phrase = list(range(root_token.left_edge.i, s)) + [
        i for c in root_token.children if c.dep_ == "appos"
        for i in range(c.left_edge.i, c.right_edge.i + 1)
    ]
    f["phrase_cover"] = sum(view.weight[i] for i in phrase) / total
    # "Compromise (of 1850)", "an immediate end (to air strikes)": a span its complement
    # continues, cut before it; a name cut before its "of" part counts apart.
    if e + 1 < len(tk.text) and tk.lower[e] in ("of", "to") and tk.head[e] == root:
        name_goes_on = tk.lower[e] == "of" and (tk.text[e + 1][:1].isupper() or tk.like_num[e + 1])
        f["name_cut" if name_goes_on and tk.pos[root] == "PROPN" else "complement_cut"] = 1.0
    # "Thomas Edison" of "Thomas Edison and George Westinghouse": one of a list.
    in_list = tk.dep[root] == "conj" or any(
        tk.dep[i] == "conj" and tk.head[i] == root
        for i in range(e, min(e + _LIST_REACH, len(tk.text))))
    f["in_list"] = float(in_list)
    if q.besides:  # "Besides Russia, which country ...?": "Iran" of "Russia and Iran"
        group = [root_token.head] if root_token.dep_ == "conj" else []
        group += [c for c in root_token.children if c.dep_ == "conj"]
        f["listed_with_besides"] = float(any(
            set().union(*view.terms[t.left_edge.i : t.i + 1]) & q.besides for t in group))
    f[f"plural={q.plural}|in_list"] = float(in_list)
    if q.focus:
        fstem = tokenize(q.focus)
        if fstem:
            window = view.terms[max(0, s - 3) : s] + view.terms[e : e + 3]
            f["focus_in_cand"] = float(fstem[0] in cand_terms)
            f["focus_near"] = float(any(fstem[0] in ts for ts in window))
            f["focus_head"] = float(fstem[0] in view.terms[root])
            f[f"kind={q.kind}|focus_in_cand"] = f["focus_in_cand"]
            if q.kind != "thing":
                f[f"focus={q.focus}|shape={cshape}"] = 1.0
            f["focus_governs"] = float(_governed_by(view, root, fstem[0]))
            if q.asks_kind:  # "What kind of rally?" -> "pep" of "a pep rally"
                f["kind_of|focus_governs"] = f["focus_governs"]
                f["kind_of|focus_head"] = f["focus_head"]
                f[f"kind_of|label={cand.label}"] = 1.0
                f[f"kind_of|dep={dep}"] = 1.0
            f["described_as_focus"] = float(_described_as(view, root_token, fstem[0]))
            f["anaphor_focus"] = float(
                len(view.next_opening) > 1 and view.next_opening[0] in _ANAPHORS
                and fstem[0] in tokenize(view.next_opening[1])
            )
    lexicon = wordnet()
    if lexicon is not None:
        _kind_of_thing(f, q, view, cand, root, lexicon)
    if view.next_opening and view.next_opening[0] in _ANAPHORS:
        f["anaphor_next"] = view.next_cover
    if q.slot:
        exact, attached = matches(view.doc, root, q.slot)
        f["role_match"] = float(exact)
        f["role_attached"] = float(attached)
        f[f"wh={q.wh}|role_match"] = float(exact)
    if q.kind == "date" and q.focus in ("year", "month", "day"):
        f["date_form_match"] = float(date_form(text) == q.focus)
    if q.focus_mods:
        f["focus_mod_left"] = float(bool(left & q.focus_mods))
        f["focus_mod_in"] = float(bool(cand_terms & q.focus_mods))
        # "German Chancellor Angela Merkel" for "which German leader": in its own phrase.
        left_edge = root_token.left_edge.i
        own = set().union(*view.terms[left_edge:s]) if left_edge < s else set()
        f["focus_mod_np"] = float(bool(own & q.focus_mods))
    return f


def _kind_of_thing(f: dict[str, float], q: Question, view: SentenceView, cand: Candidate,
                   root: int, lexicon: WordNet) -> None:
    """What WordNet says the span (with its head word `root`) names: "opposition fighters",
    which the tagger left untyped, are people (who?); "Aleppo" is a city (which city?)."""
    tk = view.tokens
    lemma = tk.lemma[root]
    word = lemma if tk.pos[root] == "NOUN" else tk.span_text(cand.start, cand.end).lower()
    if cand.label in _UNTYPED and q.kind in _LEX_KINDS:
        f["lex_fits"] = float(lexicon.lexname(word) in _LEX_KINDS[q.kind])
    if q.focus and q.focus not in BROAD_FOCUS:  # the span as WordNet spells it, or its head
        f["focus_isa"] = float(lexicon.is_a(word, q.focus) or (
            word != lemma and lexicon.is_a(lemma, q.focus)))


def _governed_by(view: SentenceView, i: int, stem: str) -> bool:
    """Whether token i names or counts a word of `stem` two or fewer edges above it.

    "TF1 television channel", "the town of Niles", "322 civilians" for the focus noun.
    """
    tk = view.tokens
    for _ in range(2):
        if tk.dep[i] not in _GOVERNED_DEPS or tk.head[i] == i:
            return False
        i = tk.head[i]
        if stem in view.terms[i]:
            return True
    return False


def _described_as(view: SentenceView, tok: Token, stem: str) -> bool:
    """Whether the text says the token is a thing of `stem`: "Aleppo, which was Syria's
    biggest city", "Aleppo is the biggest city"."""
    copulas = [c for c in tok.children if c.dep_ == "relcl" and c.lemma_ == "be"]
    if tok.dep_ == "nsubj" and tok.head.lemma_ == "be":
        copulas.append(tok.head)
    return any(stem in view.terms[a.i] for cop in copulas for a in cop.children if a.dep_ == "attr")
