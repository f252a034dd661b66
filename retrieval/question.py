"""Question analysis: its search terms and the kind of answer it expects."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc, Token

from retrieval.candidates import NUMERIC_LABELS
from retrieval.parsed import demonym_terms
from retrieval.roles import LIGHT_VERBS, asked, doers
from retrieval.tokenize import STOPWORDS, tokenize
from retrieval.wordnet import wordnet

# Answer kinds the reader knows; each maps to the spaCy entity labels that fit it.
KIND_LABELS: dict[str, frozenset[str]] = {
    # GPE: in the news a capital or a country acts for its government ("coordinated its
    # strikes with Damascus", for "With whom ...?").
    "person": frozenset({"PERSON", "ORG", "NORP", "GPE"}),
    "date": frozenset({"DATE", "TIME"}),
    "place": frozenset({"GPE", "LOC", "FAC"}),
    "number": frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}),
    "money": frozenset({"MONEY", "CARDINAL"}),
    "percent": frozenset({"PERCENT", "CARDINAL"}),
    "org": frozenset({"ORG", "NORP", "GPE", "NAME"}),  # NAME: "TF1", "G20" (candidates.py)
    "duration": frozenset({"DATE", "TIME", "QUANTITY", "CARDINAL"}),
    "language": frozenset({"LANGUAGE", "NORP"}),
    "group": frozenset({"NORP", "ORG"}),
    "event": frozenset({"EVENT", "DATE", "NAME"}),
    "work": frozenset({"WORK_OF_ART", "PRODUCT", "LAW", "EVENT", "NAME"}),
    "reason": frozenset({"CLAUSE"}),  # "to allow civilians to escape", "because ..."
    "title": frozenset({"TITLE"}),  # a person's post: "Russian Foreign Minister"
    "thing": frozenset(),
}

_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
_NAMED = frozenset({"PERSON", "GPE", "LOC", "FAC", "ORG", "NORP"})
# Entity labels that cannot answer a question of a kind: "which country" is never a
# person, "when" never a place. Spans the tagger left unlabelled (NP, PHRASE) stay in.
KIND_CLASHES: dict[str, frozenset[str]] = {
    "person": NUMERIC_LABELS | {"DATE", "TIME"},
    "place": NUMERIC_LABELS | {"PERSON", "DATE", "TIME"},
    "date": _NAMED | {"MONEY", "PERCENT"},
    "number": _NAMED,
    "org": NUMERIC_LABELS | {"PERSON", "DATE", "TIME"},  # "Which organisation ...?" is no one
    "duration": _NAMED,  # "How long ...?" is never a name
}
# Focus nouns answered only by a people or a place (reader.py's `_names_a_people`).
PEOPLES = frozenset("nationality ethnicity".split())
_TIME_UNITS = frozenset(
    "second minute hour day night week weekend month year decade century time season".split())

# Focus nouns of "which/what X" questions that name an answer kind.
FOCUS_KINDS: dict[str, str] = {
    **dict.fromkeys("year date day month century decade time era period season".split(), "date"),
    **dict.fromkeys(
        "city country state town place region province capital continent nation village "
        "county island location area district neighbourhood neighborhood site river "
        "mountain street ocean sea lake".split(),
        "place",
    ),
    **dict.fromkeys(
        "person man woman leader president minister king queen emperor pope player coach "
        "author writer scientist inventor founder official chancellor general actor "
        "singer artist politician ruler prince duke bishop".split(),
        "person",
    ),
    **dict.fromkeys(
        "company organization organisation team group party university college agency "
        "army club network channel newspaper firm institution body force band "
        "council".split(),
        "org",
    ),
    **dict.fromkeys("language tongue".split(), "language"),
    **dict.fromkeys("nationality religion ethnicity".split(), "group"),
    **dict.fromkeys(
        "number amount percentage population toll total tally count age".split(), "number"),
    **dict.fromkeys("war battle event".split(), "event"),
    **dict.fromkeys("reason purpose".split(), "reason"),
    **dict.fromkeys("position job post profession occupation role title".split(), "title"),
}

# Offices a country or a body has one holder of at a time, as terms.
_OFFICES = frozenset(tokenize(
    "president minister king queen emperor pope chancellor prince duke bishop secretary "
    "governor mayor premier ambassador envoy spokesman spokesperson spokeswoman chairman"))

_HOW_KINDS = {
    "many": "number", "much": "money", "long": "duration", "old": "number",
    "far": "number", "large": "number", "big": "number", "often": "duration", "soon": "duration",
    "tall": "number", "high": "number",
}
WH_WORDS = ("who", "whom", "whose", "when", "where", "why", "how", "which", "what")


@dataclass(frozen=True)
class Question:
    """A parsed question: its index terms, wh-word, expected kind and focus noun."""

    text: str
    terms: tuple[str, ...]
    wh: str
    kind: str
    focus: str | None
    focus_mods: frozenset[str] = frozenset()  # terms describing the focus ("GERMAN leader")
    names: frozenset[str] = frozenset()  # terms of proper names and numbers in the question
    negated: bool = False  # "... did NOT ..."
    superlatives: frozenset[str] = frozenset()  # "least", "largest": words a swap would change
    plural: bool = False  # the focus is plural ("which countries"): a list may be the answer
    slot: tuple[str, str] | None = None  # the word and role asked for: ("meet", "subj")
    owners: frozenset[str] = frozenset()  # terms of names in the possessive ("TESLA's father")
    role: str | None = None  # the noun a who-question asks the holder of ("Who is the KING of ...")
    # The places the asked-for role belongs to, as written ("the president of FRANCE", "SAUDI
    # ARABIA's foreign minister", "the FRENCH president"); empty when it names none.
    role_place_words: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # terms of the places it asks about ("IN Madaya")
    # Its names of several words, lowercase ("upati garden"): a text about the "Upati
    # Institute" has both words but not the name.
    name_phrases: tuple[str, ...] = ()
    # Terms of what the question sets its answer beside: "Russia" of "Besides Russia, which
    # country ...?", "Dan Fouts" of "Along with Dan Fouts, who ...?".
    besides: frozenset[str] = frozenset()
    # Countries and capitals that act in it, as written: "Washington" of "In Washington's
    # view", "Russia" of "Russia said"; not "Poland" of "people living in Poland".
    acting_places: tuple[str, ...] = ()
    # Terms of the words that make the role one office among several: "foreign" of "the
    # French foreign minister" (a prime minister is another).
    role_mods: frozenset[str] = frozenset()
    # The nouns it gives to places or peoples, with them: ("strike", ("French",)) of "How
    # many were killed in French air strikes?".
    owned: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # The verb done to the counted things and the nouns of who or what does it: ("kill",
    # {"war"}) of "How many people has the civil war killed?".
    agent: tuple[str, frozenset[str]] | None = None

    @cached_property
    def named_senses(self) -> frozenset[int]:
        """Every WordNet noun sense of the question's capitalised words: "Russia" stands for
        the Russian Federation too. Not its opening "Who", which is also the WHO."""
        lexicon = wordnet()
        return frozenset(
            s for w in _CAPITALISED.findall(self.text) if w.lower() not in STOPWORDS
            for s in lexicon.senses(w, every=True)
        ) if lexicon is not None else frozenset()

    @cached_property
    def stand_ins(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """The terms of each capital or country acting in the question, with the terms of
        the names that act for it in the news: "the US" for "Washington" ("In Washington's
        view ..." is answered where "the US believes"), "Moscow" for Russia."""
        lexicon = wordnet()
        out: dict[str, tuple[tuple[str, ...], ...]] = {}
        for place in self.acting_places if lexicon is not None else ():
            seat = lexicon.seats.get(place.lower(), ())
            names = tuple(ts for name in sorted(seat) if (ts := tuple(tokenize(_cased(name)))))
            for t in tokenize(place) if names else ():
                out[t] = names
        return out

    @cached_property
    def role_places(self) -> frozenset[str]:
        """Terms of the role's places, with the country a people's adjective names
        ("French" -> France)."""
        return frozenset(t for w in self.role_place_words
                         for t in tokenize(w) + sorted(demonym_terms(w)))

    @cached_property
    def office(self) -> str | None:
        """The term of the role a question about a person asks the holder of: "presid" for
        "Who is the president of France?" and "What is the name of its foreign minister?"."""
        terms = tokenize(self.role or self.focus or "") if self.kind == "person" else []
        return terms[0] if terms else None

    @property
    def asks_a_places_office(self) -> bool:
        """"Saudi Arabia's foreign minister": an office a country or a body has one holder
        of, which only a passage naming the office can answer."""
        return bool(self.role_places) and self.office in _OFFICES

    @property
    def asks_office_holder(self) -> bool:
        """"Who is the president of ...?": only a person or a body can be the answer."""
        return FOCUS_KINDS.get(self.role or "") == "person"

    @property
    def counts(self) -> bool:
        """"How many ...?": the answer is a count."""
        return self.wh == "how" and _HOW_MANY.search(self.text) is not None

    @property
    def measures(self) -> bool:
        """"How much ...?": the answer is an amount."""
        return self.wh == "how" and _HOW_MUCH.search(self.text) is not None

    @property
    def asks_kind(self) -> bool:
        """"What kind of rally ...?": the answer is what sort of thing the focus is."""
        return self.focus is not None and _KIND_OF.search(self.text) is not None

    @property
    def labels(self) -> frozenset[str]:
        return KIND_LABELS[self.kind]

    @property
    def clashes(self) -> frozenset[str]:
        """Entity labels that cannot be the answer."""
        out = KIND_CLASHES.get(self.kind, frozenset())
        if self.kind == "number" and self.focus and self.focus not in _TIME_UNITS:
            out |= {"DATE", "TIME"}  # "how many appearances" is no "three years"
        return out


def _kind_in_wordnet(noun: str) -> str:
    """The kind of a focus noun the table does not list, from WordNet's class of its most
    frequent sense: "Which linebacker ...?" asks for a person."""
    lexicon = wordnet()
    lex = lexicon.lexname(noun) if lexicon is not None else None
    return {"person": "person", "location": "place"}.get(lex or "", "thing")


def _focus(doc: Doc, wh_index: int) -> Token | None:
    """The noun a which/what question asks about ("in which Swiss city" -> city)."""
    # The words right after the wh-word, read without trusting the parse, which often
    # gets "In which Swiss city ..." wrong.
    run = []
    for tok in doc[wh_index + 1 :]:
        hyphenated = tok.text == "-" or (run and run[-1].text == "-")
        if tok.pos_ not in ("ADJ", "NOUN", "PROPN", "NUM") and not hyphenated:
            break
        run.append(tok)
    nouns = [t for t in run if t.pos_ in ("NOUN", "PROPN")]
    if nouns:
        return _named(nouns[-1])
    wh = doc[wh_index]
    if wh.dep_ == "det" and wh.head.pos_ in ("NOUN", "PROPN"):
        return wh.head
    # "What is the capital of France?" -> the attribute the copula names. With another verb
    # the subject is no focus: "What did the resolution demand?" asks for what it demanded.
    if not any(t.dep_ == "ROOT" and t.lemma_ == "be" for t in doc):
        return None
    for tok in doc:
        if tok.dep_ in ("attr", "nsubj", "nsubjpass") and tok.pos_ == "NOUN" and tok.i != wh_index:
            return _named(tok)
    return None


def _keywords_focus(doc: Doc) -> Token | None:
    """What a question without a wh-word asks for: the last common noun before its first
    preposition ("syria talks start date", "date of the talks" -> date; "Name the envoy
    for Syria" -> envoy). The parser's head is no guide: it reads such phrases as clauses
    ("talks" as the verb of "date of the Syria talks")."""
    nouns: list[Token] = []
    for tok in doc:
        if tok.pos_ == "ADP" and nouns:
            break
        if tok.tag_ in ("NN", "NNS"):
            nouns.append(tok)
    return _named(nouns[-1]) if nouns else None


def _asks_who_someone_is(doc: Doc, wh_index: int) -> bool:
    """"Who is John Kirby?": the answer is what he is, his post. Not when the clause goes on
    ("Whom was Kerry due to see ...?", which the parser may hang on "was" as well)."""
    root = doc[wh_index].head
    goes_on = any(t.dep_ not in ("nsubj", "attr", "punct", "advmod") for t in root.children)
    return root.lemma_ == "be" and doc[wh_index].dep_ in ("attr", "nsubj") and not goes_on and any(
        t.dep_ in ("nsubj", "attr") and t.ent_type_ == "PERSON" and t.i != wh_index
        for t in root.children)


def _counted(doc: Doc, wh_index: int) -> Token | None:
    """The noun "how many/much" counts ("how many Syrian civilians" -> civilians)."""
    if doc[wh_index + 1].lower_ not in ("many", "much"):
        return None
    nouns = []
    for tok in doc[wh_index + 2 :]:
        if tok.pos_ not in ("ADJ", "NOUN", "PROPN"):
            break
        nouns.append(tok)
    nouns = [t for t in nouns if t.pos_ in ("NOUN", "PROPN")]
    return nouns[-1] if nouns else None


_HOW_MANY = re.compile(r"\bhow many\b", re.IGNORECASE)
_HOW_MUCH = re.compile(r"\bhow much\b", re.IGNORECASE)
_KIND_OF = re.compile(r"\b(kind|type|sort|form|style)s? of\b", re.IGNORECASE)
_GENERIC = frozenset("name type kind sort form title term".split())


def _named(noun: Token) -> Token:
    """"the name of the river" asks about a river: look through generic nouns."""
    if noun.lower_ in _GENERIC:
        for prep in noun.children:
            if prep.lower_ == "of":
                objs = [c for c in prep.children if c.dep_ == "pobj"]
                if objs:
                    return objs[0]
    return noun


def _phrase_head(noun: Token) -> Token:
    """The generic noun "the name of X" hangs from, which holds X's place in the question."""
    prep = noun.head
    if noun.dep_ == "pobj" and prep.lower_ == "of" and prep.head.lower_ in _GENERIC:
        return prep.head
    return noun


def _modifiers(focus: Token, wh_index: int) -> frozenset[str]:
    """Terms of the words that narrow the focus noun down ("rebel-held area near Damascus")."""
    doc = focus.doc
    words = [
        t.text for t in [*doc[wh_index + 1 : focus.i], *focus.subtree]
        if t.i != focus.i and t.dep_ not in ("det", "punct") and t.tag_ not in ("WDT", "WP")
        and t.lower_ not in _GENERIC
    ]
    return frozenset(tokenize(" ".join(words)))


def answer_kind_terms(doc: Doc) -> frozenset[str]:
    """Terms of the noun a "which/what" determines, with the nouns compounded with it but
    not its adjectives or names ("Which NEWS NETWORK interviewed Lavrov?", "Which besieged
    TOWN ...?"): the kind of the answer, which a text need not name ("CNN")."""
    for tok in doc:
        if tok.lower_ in ("which", "what") and tok.dep_ == "det" and tok.head.pos_ == "NOUN":
            head = tok.head
            words = [head] + [c for c in head.children if c.dep_ == "compound" and c.pos_ == "NOUN"]
            return frozenset(t for w in words for t in tokenize(w.text))
    return frozenset()


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def analyze(text: str, doc: Doc) -> Question:
    """Question from its text and its spaCy parse."""
    lower = [t.text.lower() for t in doc]
    wh_index = next((i for i, w in enumerate(lower) if w in WH_WORDS), -1)
    wh = lower[wh_index] if wh_index >= 0 else ""
    focus = None
    slot_token = doc[wh_index] if wh_index >= 0 else None
    plural = False
    mods: frozenset[str] = frozenset()
    kind = "thing"
    role = None
    held = None  # the role noun of a question about a person
    if wh in ("who", "whom", "whose"):
        kind = "person"
        held = _focus(doc, wh_index) if wh_index + 1 < len(doc) else None
        role = held.text.lower() if held is not None else None
        if held is None and _asks_who_someone_is(doc, wh_index):
            kind = "title"
    elif wh == "when":
        kind = "date"
    elif wh == "where":
        kind = "place"
    elif wh == "why":
        kind = "reason"
    elif wh == "how" and wh_index + 1 < len(lower):
        kind = _HOW_KINDS.get(lower[wh_index + 1], "thing")
        counted = _counted(doc, wh_index)
        if counted is not None:  # "how many civilians": the number counts civilians
            focus, slot_token = _singular(counted.text.lower()), counted
            mods = _modifiers(counted, wh_index + 1)
    elif (wh in ("which", "what") or wh_index < 0) and len(doc):
        token = _focus(doc, wh_index) if wh_index >= 0 else _keywords_focus(doc)
        if token is not None:
            focus, slot_token = _singular(token.text.lower()), _phrase_head(token)
            kind = FOCUS_KINDS.get(focus) or _kind_in_wordnet(focus)
            mods = _modifiers(token, max(wh_index, 0))
            plural = token.tag_ in ("NNS", "NNPS")
            held = token if kind == "person" else None
    if kind == "title" and not any(t.ent_type_ == "PERSON" for t in doc):
        kind = "thing"  # "What position did the team finish in?" is about no one's post
    if "percent" in lower or "percentage" in lower:
        kind = "percent" if wh in ("what", "how") else kind
    names = frozenset(t for tok in doc if tok.pos_ in ("PROPN", "NUM") for t in tokenize(tok.text))
    owners = frozenset(t for tok in doc if tok.dep_ == "poss" for t in tokenize(tok.text)) & names
    supers = frozenset(tok.lower_ for tok in doc if tok.tag_ in ("JJS", "RBS"))
    negated = any(tok.dep_ == "neg" for tok in doc)
    return Question(
        text, tuple(tokenize(text)), wh, kind, focus, mods, names, negated, supers, plural,
        asked(doc, slot_token) if slot_token is not None else None, owners, role,
        _place_words(held) if held is not None else frozenset(),
        _settings(doc), _name_phrases(doc), _besides(doc), _acting_places(doc),
        _office_words(held) if held is not None else frozenset(),
        tuple((tok.lemma_.lower(), places) for tok in doc
              if tok.pos_ == "NOUN" and (places := owners_of(tok))),
        _agent(slot_token) if kind == "number" and slot_token is not None else None,
    )


def _agent(counted: Token) -> tuple[str, frozenset[str]] | None:
    """The verb whose object is counted, and the nouns of the phrase doing it: the subject of
    an active verb, the "by" phrase of a passive one. The parser takes a fronted object for
    a subject ("How many people has the war killed?"), and the doer for a second one."""
    verb = counted.head
    if counted.dep_ == "nsubj":
        verb = verb.head if verb.dep_ == "aux" else next(
            (c for c in verb.children if c.dep_ == "ccomp" and c.pos_ == "VERB"), verb)
    elif counted.dep_ not in ("dobj", "nsubjpass"):
        return None
    nouns = frozenset(tok.lemma_.lower() for d in doers(verb) if d.i != counted.i
                      and d.pos_ in ("NOUN", "PROPN")
                      for tok in d.subtree if tok.pos_ in ("NOUN", "PROPN"))
    lemma = verb.lemma_.lower()
    return (lemma, nouns) if nouns and verb.pos_ == "VERB" and lemma not in LIGHT_VERBS else None


_BESIDES = frozenset({"besides", "alongside", "beside"})
_BESIDES_PAIRS = frozenset({("apart", "from"), ("along", "with"), ("other", "than"),
                            ("aside", "from"), ("addition", "to"), ("together", "with")})


def _besides(doc: Doc) -> frozenset[str]:
    """Terms of the object of "besides", "apart from", "along with", ... in the question."""
    preps = [t for t in doc if t.lower_ in _BESIDES or (
        t.i > 0 and (doc[t.i - 1].lower_, t.lower_) in _BESIDES_PAIRS)]
    return frozenset(
        term for prep in preps for obj in prep.children if obj.dep_ == "pobj"
        for term in tokenize(doc[obj.left_edge.i : obj.i + 1].text))  # not a clause after it


# Where a place acts: the one who does, owns, leads ("Washington-led") or says ("according to").
_ACTING = frozenset({"nsubj", "nsubjpass", "poss", "npadvmod", "agent"})


def _acting_places(doc: Doc) -> tuple[str, ...]:
    """The countries and cities that act in the question rather than locate something in
    it: "Washington" of "In Washington's view", not "Poland" of "people living in Poland"."""
    def acts(tok: Token) -> bool:
        return tok.dep_ in _ACTING or tok.dep_ == "pobj" and (
            tok.head.lower_ == "by" or tok.head.head.lower_ == "according")
    return tuple(ent.text.removeprefix("the ").removeprefix("The ")
                 for ent in doc.ents if ent.label_ == "GPE" and acts(ent.root))


def _cased(name: str) -> str:
    """A WordNet place name as a text writes it: "U.S.", "Washington D.C."; none for a
    description ("capital of France", "the States"), which no text uses as a name."""
    if name.startswith("the ") or "capital" in name:
        return ""
    return name.upper() if len(name.replace(".", "")) <= 3 else name.title()


def _name_phrases(doc: Doc) -> tuple[str, ...]:
    """The question's runs of two or more proper nouns, lowercase: "zbigniew marek"."""
    runs: list[list[str]] = [[]]
    for tok in doc:
        if tok.pos_ == "PROPN" and not tok.is_punct:
            runs[-1].append(tok.lower_)
        elif runs[-1]:
            runs.append([])
    return tuple(" ".join(run) for run in runs if len(run) > 1)


def _settings(doc: Doc) -> frozenset[str]:
    """Terms of the places the question sets itself in: "Madaya" of "How many people live
    in the town of Madaya?", not "Washington" of "the Washington-led coalition"."""
    return frozenset(
        t for ent in doc.ents if ent.label_ in ("GPE", "LOC", "FAC") and ent.root.dep_ == "pobj"
        for t in tokenize(ent.text))


def owners_of(noun: Token) -> tuple[str, ...]:
    """The places or peoples in a noun's modifiers: "French" of "French air strikes",
    "Syrian" of "Syrian government air strikes", "British" of "a British-drafted resolution",
    "Russia" of "Russia's air strikes"."""
    return tuple(
        t.text for c in noun.children if c.dep_ in ("amod", "compound", "poss", "nmod")
        for t in c.subtree if t.ent_type_ in ("GPE", "NORP") and t.text[:1].isupper())


def _office_words(role: Token) -> frozenset[str]:
    """The role's own lowercase qualifiers: "foreign" of "the French foreign minister"."""
    return frozenset(
        t for tok in role.children if tok.dep_ in ("amod", "compound") and tok.is_lower
        and tok.pos_ in ("ADJ", "NOUN") and not tok.ent_type_ for t in tokenize(tok.text))


def _place_words(role: Token) -> frozenset[str]:
    """The places or peoples named in the role's phrase: "France" of "the president of
    France", "French" of "the French president"."""
    return frozenset(
        tok.text for tok in role.subtree if tok.i != role.i and tok.ent_type_ in ("GPE", "NORP"))
