"""Reasons to decline: questions the corpus cannot answer however well a span scores.

Two are known before reading (the corpus never uses the role or the counted noun asked
about); one (`another_parties`) rules out sentences before the reader's choice; the rest
judge the reader's best answer against the question. `vocab` is the
corpus's vocabulary: the index's idf table, which knows its terms and their prefixes.
"""
from __future__ import annotations

from typing import Protocol

from spacy.tokens import Token

from retrieval.features import SentenceView
from retrieval.paraphrase import has_word_for
from retrieval.parsed import demonym_roots, demonym_terms
from retrieval.question import Question, owners_of
from retrieval.reader import Scored, in_asked_place, is_asked_place
from retrieval.roles import filled
from retrieval.tokenize import tokenize
from retrieval.wordnet import WordNet, wordnet


class Vocabulary(Protocol):
    def __contains__(self, term: object) -> bool: ...

    def has_prefix(self, prefix: str) -> bool: ...


def role_unknown(q: Question, vocab: Vocabulary) -> bool:
    """The corpus never uses the role a who-question asks about ("Who is the king of
    Saudi Arabia?" of articles that never mention a king), so it never says who holds it.
    A word for it in another of its senses counts: "chief" for "head"."""
    terms = tokenize(q.role) if q.role else []
    return bool(terms) and not any(t in vocab for t in terms) and not says_word_for(
        vocab, q.role, every=True)


def count_unknown(q: Question, vocab: Vocabulary) -> bool:
    """The corpus never names what a how-many question counts, nor says it otherwise
    ("How many refugees ...?" of articles that never mention refugees): any count it
    gives is of something else. A word sharing the term's first five letters counts as
    naming it ("honored" for "honorees")."""
    terms = tokenize(q.focus) if q.counts and q.focus else []
    if len(terms) != 1 or terms[0] in vocab or says_word_for(vocab, q.focus):
        return False
    stem = terms[0][:5]
    return len(stem) < 5 or not vocab.has_prefix(stem)


def says_word_for(vocab: Vocabulary, word: str, every: bool = False, pos: str = "NOUN") -> bool:
    """Whether the corpus says a word in other words or forms (`paraphrase.has_word_for`),
    its irregular forms read back to their lemma ("children": "kids")."""
    lexicon = wordnet()
    return lexicon is not None and any(
        has_word_for(lemma, pos, vocab.__contains__, lexicon, every)
        for lemma in [word, *lexicon.bases.get(word, ())])


def declines(q: Question, best: Scored, type_match: bool, vocab: Vocabulary,
             title: frozenset[str], titles: tuple[str, ...] = ()) -> bool:
    """Whether the best answer, from a document with `title`'s terms, is no answer.
    `titles` are the words that title the person it names anywhere in that document."""
    return (
        _not_the_holder(q, best, type_match, titles) or _counts_elsewhere(q, best, title)
        or _role_unsaid(q, best, vocab) or _counts_another_act(q, best, vocab)
        or _another_name_of_named(q, best) or _place_unsaid(q, best, titles)
    )


def another_parties(q: Question, view: SentenceView) -> bool:
    """The question says whose thing it asks about ("FRENCH air strikes", a "BRITISH-drafted
    resolution"), and a sentence gives that thing to other places only: "Russian air
    strikes" answer no question about French ones."""
    lexicon = wordnet()
    for noun, places in q.owned:
        nouns = [tok for tok in view.doc if tok.lemma_.lower() == noun]
        found = [p for tok in nouns for p in owners_of(tok)]
        if found and not any(_same_place(a, b, lexicon) for a in places for b in found):
            return True
        # "Those strikes" point back to an owner: it must be near, under any of its names.
        if not found and any(_points_back(tok) for tok in nouns) and not any(
                _names_terms(p, lexicon) & view.window for p in places):
            return True
    return False


def _points_back(noun: Token) -> bool:
    """Whether the noun is "those strikes" or "these talks": someone's, said before."""
    return any(c.dep_ == "det" and c.lower_ in ("this", "that", "these", "those")
               for c in noun.children)


def _names_terms(place: str, lexicon: WordNet | None) -> frozenset[str]:
    """Terms of every name of a place or people's place: "American" -> "America", "US",
    "Washington"."""
    names = {place.lower()} | demonym_roots(place)
    seats = lexicon.seats if lexicon is not None else {}
    return frozenset(t for n in names | {s for n in names for s in seats.get(n, ())}
                     for t in tokenize(n))


def _same_place(a: str, b: str, lexicon: WordNet | None) -> bool:
    """"Russian" and "Russia's", "US" and "American", name the same place or one in the other."""
    ta = set(tokenize(a)) | demonym_terms(a)
    tb = set(tokenize(b)) | demonym_terms(b)
    return bool(ta & tb) or lexicon is not None and (lexicon.is_in(a, b) or lexicon.is_in(b, a))


def _not_the_holder(q: Question, best: Scored, type_match: bool,
                    titles: tuple[str, ...] = ()) -> bool:
    """"Moscow" is no president of France, however well it scores; nor is anyone named
    where the text does not name the office ("Assad" for "Saudi Arabia's foreign minister"),
    or names it in a sentence about another place: "Russian Foreign Minister Sergei
    Lavrov" for "Qatar's foreign minister", beside a sentence naming Qatar. A sentence that
    quotes the holder need not name the office their titles elsewhere give, with its place;
    those titles, not a neighbour's, place the office when the sentence does not name it."""
    if q.asks_office_holder and (not type_match or best.label == "GPE"):
        return True
    if not q.asks_a_places_office:
        return False
    titled = q.office in tokenize(" ".join(titles))
    said_here = any(q.office in terms for terms in best.view.terms)
    if q.office not in best.view.window or titled and not said_here:
        return not (titled and _titled_in_place(q, titles))
    places = _office_places(best.view, q.office)
    lexicon = wordnet()
    return bool(places) and not any(in_asked_place(q, best.view, j, lexicon) for j in places)


def _place_unsaid(q: Question, best: Scored, titles: tuple[str, ...] = ()) -> bool:
    """A person asked for by their people ("Which Iranian official ...?") is named where
    the text, or the sentences around it, says that people's place or one in it, or titled
    with it elsewhere in the document: "Assad" in a sentence and neighbours that never
    mention Iran is no Iranian official. A place named as such is left alone: "Denver" of
    "Which Denver player ...?" is as often its team."""
    peoples = [w for w in q.role_place_words if demonym_terms(w)]
    if q.kind != "person" or not peoples or any(
            t in best.view.window for w in peoples for t in [*tokenize(w), *demonym_terms(w)]):
        return False
    lexicon = wordnet()
    view = best.view
    return not _titled_in_place(q, titles) and not any(
        view.tokens.ent_type[j] in ("GPE", "NORP") and in_asked_place(q, view, j, lexicon)
        for j in range(len(view.tokens.text)))


def _titled_in_place(q: Question, titles: tuple[str, ...]) -> bool:
    """A title word is a place the question asks about, or in one: "US" for "American"."""
    lexicon = wordnet()
    return any(is_asked_place(q, w, frozenset(tokenize(w)), lexicon)
               for w in titles if w[0].isupper())


def _office_places(view: SentenceView, office: str) -> list[int]:
    """The place words that qualify the mentions of an office in the sentence: "Russian" of
    "Russian Foreign Minister", "France" of "the president of France"; a mention qualified
    by none ("President Obama") adds none."""
    return [
        w.i for tok in view.doc if office in view.terms[tok.i]
        for w in [*view.doc[tok.left_edge.i : tok.i],
                  *(w for prep in tok.children if prep.lower_ == "of" for w in prep.subtree)]
        if w.ent_type_ in ("GPE", "NORP")
    ]


def _counts_elsewhere(q: Question, best: Scored, title: frozenset[str]) -> bool:
    """A count in a sentence about no place the question names, in a document not titled
    with it, is another place's count: "25 killed (in Aleppo)" for "How many were killed
    in Eastern Ghouta?", told a sentence later."""
    if q.kind != "number" or not q.places:
        return False
    return not q.places & title.union(*best.view.terms)


def _role_unsaid(q: Question, best: Scored, vocab: Vocabulary) -> bool:
    """A role the corpus only has other words for ("chief" for "head") must be said in
    the answer's sentence: "human" elsewhere makes no one "the first man on the Moon"."""
    terms = set(tokenize(q.role)) if q.role else set()
    return any(t not in vocab for t in terms) and not terms <= set().union(*best.view.terms)


def _counts_another_act(q: Question, best: Scored, vocab: Vocabulary) -> bool:
    """A how-many question counts people by what befell them, the corpus never tells of
    that in any form or other words, and the count is of people another verb acts on:
    "killed 25 people" for "How many people were wounded?". A verb that brings it about
    tells of it ("killed" for "died"); a count no verb acts on ("in front of 5,000
    people", for "How many watched?") may still be the one asked for."""
    lexicon = wordnet()
    if lexicon is None or not (q.counts and q.slot and q.focus) or lexicon.lexname(
            q.focus) not in ("person", "group"):
        return False
    verb = q.slot[0]
    if any(t in vocab for t in tokenize(verb)) or says_word_for(vocab, verb, pos="VERB"):
        return False
    doc = best.view.doc
    root = doc[best.start : best.end].root.i
    return any(doc[head].pos_ == "VERB" and role in ("subj", "obj")
               for head, role in filled(doc, root))


# Words between a name and its other name: "X [also known as the Y]", "X, called Y".
_ALIAS_LINKS = frozenset({"[", "(", ",", "also", "known", "as", "called", "the"})


def _another_name_of_named(q: Question, best: Scored) -> bool:
    """The person asked for is no other name of what the question names: "Who heads the
    White Helmets?" is not "the Syria Civil Defence Force [also known as the White
    Helmets]", nor "Who heads the Syrian Observatory?" its appositive "a British-based
    organisation". Only names of several words count: a one-word one ("MVP") is as often
    a title the answer holds, as in "Bart Starr (MVP of Super Bowl I)"; and a question
    about a role ("Who is the UN envoy for Syria?") is answered by the role's appositive."""
    if q.kind != "person" or not q.name_phrases or q.role:
        return False
    doc = best.view.doc
    root = doc[best.start : best.end].root
    linked = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        linked.append(root.head)
    # The linked name with the words before it ("the Syrian Observatory"), not the phrases
    # after it, which relate rather than rename ("champion of Super Bowl XLIX").
    phrases = [" ".join(w.lower_ for w in doc[t.left_edge.i : t.i + 1])
               for t in linked if t.pos_ == "PROPN"]
    # "X [also known as Y]": the parser often loses the bracket's link.
    after = [t.lower_ for t in doc[best.end : best.end + 8]]
    link = 0
    while link < len(after) and after[link] in _ALIAS_LINKS:
        link += 1
    if {"known", "called"} & set(after[:link]):
        phrases.append(" ".join(after[link:]))
    return any(name in phrase for name in q.name_phrases for phrase in phrases)
