"""Find the knowledge base entry that answers a member of staff's question, or decline.

A question and every entry go through the same text analysis (knowledge/language.py and
synonyms.yaml). Words of a question that the knowledge base does not know are first
corrected to the nearest known word when they are a likely typo (rapidfuzz, cached).

Candidates are ranked by a blend of two signals:
  * lexical: BM25F over title, questions, tags, answer and numbered references ("principle
    6": a number with the word before it), from an inverted index with the per-term weights
    precomputed, divided by the most the question's terms could score, so words the
    knowledge base does not know pull it down;
  * similarity: rapidfuzz token_sort_ratio of the question to the nearest stored phrasing
    (title or question) of each of the best lexical candidates only. Each phrasing's tokens
    are sorted once, when the index is built, and scored with fuzz.ratio: the same score
    (token_sort_ratio is ratio over the sorted tokens) without re-sorting every phrasing for
    every question.
The shortlist is then re-ordered by the blend plus a share of a semantic signal
(knowledge/semantic.py): the cosine between the question and each candidate's nearest
phrasing, from static embeddings distilled from a sentence-embedding model and tuned to the
knowledge base's phrasings, so that a question worded unlike its entry's phrasings can still
reach the entry that means the same.
Whether to answer is a calibrated confidence (knowledge/confidence.py): a logistic model
over the best candidate's signals, fitted on the tune split (benchmarks/fit_confidence.py)
with a threshold chosen there. A message that is closer in meaning to an example of an
off-topic message (knowledge/off_topic.py) than to the entry it would get is declined too.
When the runner-up fits almost as well as the best entry (a close call), both are answered
with, so that a guess between neighbours never stands alone. Numbers in benchmarks/README.md.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from knowledge.confidence import Candidate, confidence_features, logistic
from knowledge.entries import PLACEHOLDER, Entry, KnowledgeError, placeholders_in
from knowledge.language import OUT_OF_SCOPE, Language, load_language, terms_of, words_of
from knowledge.off_topic import load_off_topic
from knowledge.semantic import PhrasingVectors, StaticEmbeddings, load_embeddings

__all__ = ["Answer", "Candidate", "KnowledgeIndex", "RankingSettings", "Signals", "load_language",
           "render_answer"]


@dataclass(frozen=True)
class Answer:
    """The index's reply to one question.

    When `answered` is false, `entry` is None and `related` holds up to two suggestions
    (candidates above the related floor) the bot may offer as "did you mean"; `off_topic` says
    the message is nearer an off-topic example than any entry (then no suggestion is offered).
    When answered, `close_call` says the runner-up, first in `related`, fits the question almost
    as well as `entry`: the bot shows both answers rather than guess between them.
    """

    answered: bool
    entry: Entry | None
    score: float
    related: list[Entry] = field(default_factory=list)
    off_topic: bool = False
    close_call: bool = False


@dataclass(frozen=True)
class RankingSettings:
    """The knobs of ranking and declining, chosen on the tune split (benchmarks/README.md)."""

    title_weight: float = 4.0
    questions_weight: float = 1.0
    tags_weight: float = 1.0
    answer_weight: float = 0.5
    k1: float = 2.4
    b: float = 0.3
    # A word no entry contains weighs this share of the rarest word's idf.
    unknown_term_weight: float = 0.6
    # An out-of-scope phrase ("annual leave") weighs this many times the rarest word's idf.
    out_of_scope_weight: float = 2.0
    lexical_weight: float = 0.5
    fuzzy_weight: float = 0.25
    candidates: int = 20
    # The semantic signal's share when the shortlist is re-ordered; whether to answer is still
    # the confidence's decision, made on the blend alone. 0.5 was chosen on the tune splits; it
    # improves every split but the oldest held-out one, which loses one question of 77
    # (benchmarks/README.md).
    semantic_weight: float = 0.5
    # Decline a message whose nearest off-topic example is closer (cosine) than the answered entry's
    # nearest phrasing plus this margin; None leaves the off-topic examples out. Needs the semantic
    # signal. With the tuned embeddings, -0.03 declines as many off-topic tune questions as 0.06
    # did with the distilled ones, with the most right answers there (benchmarks/README.md).
    off_topic_margin: float | None = -0.03
    # Show the runner-up's answer too when the best entry leads it by less than this in the order
    # `ask` picks from (blend plus the semantic share); None shows one answer always. The widest
    # margin at which the runner-up is the right entry in a third of such close calls on the tune
    # splits (benchmarks/README.md).
    close_call_margin: float | None = 0.04
    # A number after a word ("principle 6") as one more BM25F field, so a question about one
    # numbered principle or rule finds the entry that names it rather than the overview.
    numbered_weight: float = 2.0
    # Confidence: a logistic model over confidence_features(), fitted on the tune split by
    # benchmarks/fit_confidence.py (intercept first); answer when it reaches the threshold.
    confidence_weights: tuple[float, ...] = (
        -7.504, 2.253, 2.019, 1.943, 2.092, 1.159, 1.701, 0.644, 2.119, 0.921)
    threshold: float = 0.678
    related_floor: float = 0.40


class _Shortlisted(NamedTuple):
    """One of the best lexical candidates with its blended score: all that ordering the
    candidates needs. The rest of a Candidate's signals is worked out only where it is used."""

    position: int
    score: float
    lexical: float
    similarity: float


class Signals(NamedTuple):
    """What the index weighs to answer one question."""

    leaders: list[Candidate]  # the best two by blend, whose signals the confidence reads
    term_count: int
    best: Entry  # the entry answered with, after the semantic re-ordering
    others: list[_Shortlisted]
    # How much closer the nearest off-topic example is than the best entry's nearest phrasing
    # (None without the semantic signal or the examples).
    off_topic_lean: float | None = None
    # The best entry's lead over the runner-up in that order (None when only one shares a term).
    lead: float | None = None


class KnowledgeIndex:
    """An inverted index over the entries; build once, ask many times."""

    def __init__(
        self,
        *,
        entries: Sequence[Entry],
        language: Language,
        settings: RankingSettings,
        postings: Mapping[str, list[tuple[int, float]]],
        idf: Mapping[str, float],
        phrasings: Sequence[tuple[str, ...]],
        known_words: Mapping[str, int],
        entry_terms: Sequence[frozenset[str]],
        heading_terms: Sequence[frozenset[str]],
        phrasing_vectors: PhrasingVectors | None = None,
        off_topic_vectors: np.ndarray | None = None,
    ) -> None:
        self.entries = list(entries)
        self.language = language
        self.settings = settings
        self._by_id = {entry.id: entry for entry in self.entries}
        self._positions = {entry.id: position for position, entry in enumerate(self.entries)}
        self._entry_terms = entry_terms
        self._heading_terms = heading_terms
        self._postings = postings
        self._idf = idf
        self._max_idf = _idf(document_frequency=0, entry_count=len(self.entries))
        # Phrasings of one entry that share their terms score alike: each is kept once.
        self._sorted_phrasings = [tuple(dict.fromkeys(sorted_tokens(p) for p in entry_phrasings))
                                  for entry_phrasings in phrasings]
        self._phrasing_vectors = phrasing_vectors
        self._off_topic_vectors = off_topic_vectors
        self._known_words = known_words
        self._words_by_length = _by_length(known_words)
        self._correct = lru_cache(maxsize=16384)(self._nearest_known_word)

    @classmethod
    def build(
        cls,
        entries: Iterable[Entry],
        *,
        language: Language | None = None,
        settings: RankingSettings | None = None,
        embeddings: StaticEmbeddings | None = None,
        off_topic: Sequence[str] | None = None,
    ) -> KnowledgeIndex:
        """Index `entries` with the shipped language data, settings, embeddings and off-topic
        examples unless given others (no embeddings are read when the settings give the semantic
        signal no weight)."""
        entries = list(entries)
        language = language or load_language()
        settings = settings or RankingSettings()
        words = [_entry_words(entry, language=language) for entry in entries]
        terms = [{name: [terms_of(ws, language=language) for ws in texts]
                  for name, texts in entry_words.items()} for entry_words in words]
        fields = [{name: [term for ts in texts for term in ts if term != OUT_OF_SCOPE]
                   for name, texts in entry_terms.items()} for entry_terms in terms]
        entry_terms = [frozenset(t for ts in f.values() for t in ts) for f in fields]
        for entry_fields, entry_texts in zip(fields, terms):
            entry_fields["numbered"] = [
                pair for name in ("title", "questions", "tags") for ts in entry_texts[name]
                for pair in numbered_pairs(ts)] if settings.numbered_weight else []
        heading_terms = [frozenset(f["title"]) | frozenset(f["tags"]) for f in fields]
        idf, postings = _weighted_postings(fields, settings=settings)
        phrasings = [tuple(" ".join(term for term in ts if term != OUT_OF_SCOPE)
                           for ts in (*t["title"], *t["questions"])) for t in terms]
        known_words: Counter[str] = Counter({word: 1 for word in language.words})
        for entry_words in words:
            for texts in entry_words.values():
                for text_words in texts:
                    known_words.update(text_words)
        phrasing_vectors = off_topic_vectors = None
        if settings.semantic_weight:
            embeddings = embeddings or load_embeddings()
            written_out = language.written_out
            phrasing_vectors = PhrasingVectors.build(
                [[written_out(text) for text in (entry.title, *entry.questions)] for entry in entries],
                embeddings=embeddings)
            if settings.off_topic_margin is not None:
                examples = off_topic if off_topic is not None else load_off_topic()
                off_topic_vectors = embeddings.embed_all([written_out(text) for text in examples])
        return cls(entries=entries, language=language, settings=settings, postings=postings,
                   idf=idf, phrasings=phrasings, known_words=known_words,
                   entry_terms=entry_terms, heading_terms=heading_terms,
                   phrasing_vectors=phrasing_vectors, off_topic_vectors=off_topic_vectors)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, if the index holds it."""
        return self._by_id.get(entry_id)

    def ask(self, question: str) -> Answer:
        """The entry that answers `question`, or a decline when not confident."""
        signals = self.signals(question)
        if signals is None:
            return Answer(answered=False, entry=None, score=0.0)
        confidence = self.confidence(signals.leaders, term_count=signals.term_count)
        if self.off_topic(signals):
            return Answer(answered=False, entry=None, score=confidence, off_topic=True)
        if confidence < self.settings.threshold:
            suggestions = [c.entry for c in signals.leaders if c.score >= self.settings.related_floor]
            return Answer(answered=False, entry=None, score=confidence, related=suggestions)
        if self.close_call(signals):
            return Answer(answered=True, entry=signals.best, score=confidence,
                          related=[self.entries[signals.others[0].position]], close_call=True)
        return Answer(answered=True, entry=signals.best, score=confidence,
                      related=self._related(signals.best, signals.others))

    def signals(self, question: str) -> Signals | None:
        """What `ask` weighs for `question`, or None when no entry shares a term with it."""
        terms = self.analyse(question)
        shortlist, weights = self._shortlist(terms)
        if not shortlist:
            return None
        # The confidence reads the best blend's signals and the runner-up's score only.
        leaders = [self._candidate(item, weights=weights) for item in shortlist[:2]]
        if self._phrasing_vectors is None:
            lead = shortlist[0].score - shortlist[1].score if len(shortlist) > 1 else None
            return Signals(leaders=leaders, term_count=len(terms), best=self.entries[shortlist[0].position],
                           others=shortlist[1:], lead=lead)
        vector = self._meaning(question)
        ordered, closeness, lead = self._reordered(vector, shortlist)
        lean = None
        if self._off_topic_vectors is not None and len(self._off_topic_vectors):
            lean = float((self._off_topic_vectors @ vector).max()) - closeness
        return Signals(leaders=leaders, term_count=len(terms), best=self.entries[ordered[0].position],
                       others=ordered[1:], off_topic_lean=lean, lead=lead)

    def off_topic(self, signals: Signals) -> bool:
        """Whether the message means something an off-topic example says rather than the best entry."""
        margin = self.settings.off_topic_margin
        return margin is not None and signals.off_topic_lean is not None and signals.off_topic_lean > margin

    def close_call(self, signals: Signals) -> bool:
        """Whether the runner-up fits the message almost as well as the best entry."""
        margin = self.settings.close_call_margin
        return margin is not None and signals.lead is not None and signals.lead < margin

    def confidence(self, candidates: Sequence[Candidate], *, term_count: int) -> float:
        """How likely the best candidate answers the question, from 0 to 1."""
        features = confidence_features(candidates, term_count=term_count)
        return logistic(self.settings.confidence_weights, features)

    def analyse(self, question: str) -> list[str]:
        """The question's distinct search terms, typos corrected and synonyms made canonical."""
        words = words_of(question.replace("-", " "), language=self.language)
        known = self._known_words
        corrected = [word if word in known or len(word) < 3 or not word.isalpha()
                     else self._correct(word) for word in words]  # only a likely typo is corrected
        return list(dict.fromkeys(terms_of(corrected, language=self.language)))

    def _weight(self, term: str) -> float:
        if term == OUT_OF_SCOPE:
            return self.settings.out_of_scope_weight * self._max_idf
        return self._idf.get(term, self.settings.unknown_term_weight * self._max_idf)

    def rank(self, terms: Sequence[str], *, question: str | None = None) -> list[Candidate]:
        """The best candidates for these terms, best blend first; given the question they came
        from, in the order `ask` picks from (the semantic signal's re-ordering)."""
        shortlist, weights = self._shortlist(terms)
        if question is not None and self._phrasing_vectors is not None and shortlist:
            shortlist, _, _ = self._reordered(self._meaning(question), shortlist)
        return [self._candidate(item, weights=weights) for item in shortlist]

    def _meaning(self, question: str) -> np.ndarray:
        """The question's vector for the semantic signal, its text-speak written out."""
        assert self._phrasing_vectors is not None
        return self._phrasing_vectors.embeddings.embed(self.language.written_out(question))

    def _reordered(self, vector: np.ndarray,
                   shortlist: list[_Shortlisted]) -> tuple[list[_Shortlisted], float, float | None]:
        """The shortlist by blend plus the semantic signal's share of each one's closeness to the
        question's `vector`, the closeness of the one now first, and its lead over the second."""
        assert self._phrasing_vectors is not None
        closeness = self._phrasing_vectors.closeness(vector, [i.position for i in shortlist])
        weight = self.settings.semantic_weight
        totals = [item.score + weight * near for item, near in zip(shortlist, closeness)]
        order = sorted(range(len(shortlist)), key=totals.__getitem__, reverse=True)
        lead = totals[order[0]] - totals[order[1]] if len(order) > 1 else None
        return [shortlist[n] for n in order], closeness[order[0]], lead

    def _shortlist(self, terms: Sequence[str]) -> tuple[list[_Shortlisted], dict[str, float]]:
        """The best lexical candidates ordered by blended score, and each term's weight."""
        if not terms:
            return [], {}
        totals: dict[int, float] = {}
        numbered = numbered_pairs(terms) if self.settings.numbered_weight else []
        for term in [*terms, *numbered]:
            for position, weight in self._postings.get(term, ()):
                totals[position] = totals.get(position, 0.0) + weight  # faster than a defaultdict
        if not totals:
            return [], {}
        weights = {term: self._weight(term) for term in terms}
        ceiling = sum(weights.values())
        # What heapq.nlargest gives, faster for the hundred or so entries a question touches.
        best = sorted(totals.items(), key=itemgetter(1), reverse=True)[:self.settings.candidates]
        fuzzy = self._fuzzy_similarities(terms, [position for position, _ in best])
        lexical_weight, fuzzy_weight = self.settings.lexical_weight, self.settings.fuzzy_weight
        shortlist = []
        for position, total in best:
            lexical, similarity = total / ceiling, fuzzy.get(position, 0.0)
            blend = (lexical_weight * lexical + fuzzy_weight * similarity) / (
                lexical_weight + fuzzy_weight)
            shortlist.append(_Shortlisted(position, blend, lexical, similarity))
        shortlist.sort(key=attrgetter("score"), reverse=True)
        return shortlist, weights

    def _candidate(self, item: _Shortlisted, *, weights: Mapping[str, float]) -> Candidate:
        """A shortlisted candidate with every signal the confidence may read."""
        position = item.position
        entry_terms, heading_terms = self._entry_terms[position], self._heading_terms[position]
        matched = [term for term in weights if term in entry_terms]
        ceiling = sum(weights.values())
        return Candidate(
            entry=self.entries[position], score=item.score, lexical=item.lexical,
            similarity=item.similarity,
            heading_coverage=sum([weights[t] for t in matched if t in heading_terms]) / ceiling,
            coverage=sum([weights[term] for term in matched]) / ceiling,
            rarest_match=max([self._idf[term] for term in matched], default=0.0) / self._max_idf,
            matched_share=len(matched) / len(weights),
        )

    def _fuzzy_similarities(self, terms: Sequence[str],
                            positions: Sequence[int]) -> dict[int, float]:
        """Each position's best token_sort_ratio (0 to 1) between the terms and its phrasings,
        scored as fuzz.ratio against the phrasings' tokens sorted at build time; a score under
        1 (of 100) counts as none."""
        query = sorted_tokens(" ".join(terms))
        best: dict[int, float] = {}
        for position in positions:
            nearest = process.extractOne(query, self._sorted_phrasings[position],
                                         scorer=fuzz.ratio, score_cutoff=1)
            if nearest is not None:
                best[position] = nearest[1] / 100
        return best

    def _related(self, entry: Entry, others: Sequence[_Shortlisted]) -> list[Entry]:
        related = [self._by_id[i] for i in entry.related if i in self._by_id and i != entry.id]
        for item in others:
            if len(related) >= 2:  # only two are offered
                break
            other = self.entries[item.position]
            if item.score >= self.settings.related_floor and other not in related:
                related.append(other)
        return related[:2]

    def _nearest_known_word(self, word: str) -> str:
        """The most frequent known word within one edit (two from 8 letters), else `word`.

        The first letter must agree (people rarely mistype it, and "mount" is not "count"),
        and words of up to four letters are only corrected to stop words of the same length
        ("teh", "waht"): among short words a single edit turns too many words into other real
        words, and "plus" is not "pls".
        """
        edits = 1 if len(word) < 8 else 2
        short = len(word) <= 4
        nearest = [
            (distance, -self._known_words[known], known)
            for length in range(len(word) - edits, len(word) + edits + 1)
            for known, distance, _ in process.extract(
                word, self._words_by_length.get(length, []), scorer=OSA.distance,
                score_cutoff=edits, limit=None)
            if known[0] == word[0]
            and (not short or (known in self.language.stopwords and len(known) == len(word)))
        ]
        return min(nearest)[2] if nearest else word


def render_answer(entry: Entry, values: Mapping[str, str]) -> str:
    """The entry's answer with each {placeholder} replaced by its value from `values`."""
    missing = sorted(placeholders_in(entry.answer) - set(values))
    if missing:
        raise KnowledgeError(f"entry {entry.id}: no value for placeholder {{{missing[0]}}}")
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), entry.answer)


def _entry_words(entry: Entry, *, language: Language) -> dict[str, list[list[str]]]:
    def words(text: str) -> list[str]:
        return words_of(text.replace("-", " "), language=language)

    return {
        "title": [words(entry.title)],
        "questions": [words(question) for question in entry.questions],
        "tags": [words(tag) for tag in entry.tags],
        "answer": [words(entry.answer)],
    }


def _weighted_postings(
    fields: Sequence[Mapping[str, list[str]]], *, settings: RankingSettings
) -> tuple[dict[str, float], dict[str, list[tuple[int, float]]]]:
    weights = {"title": settings.title_weight, "questions": settings.questions_weight,
               "tags": settings.tags_weight, "answer": settings.answer_weight,
               "numbered": settings.numbered_weight}
    count = len(fields)
    average = {name: max(1.0, sum(len(f[name]) for f in fields) / max(1, count))
               for name in weights}
    frequency = Counter(term for f in fields for term in {t for ts in f.values() for t in ts})
    idf = {term: _idf(document_frequency=df, entry_count=count) for term, df in frequency.items()}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for position, entry_fields in enumerate(fields):
        weighted: dict[str, float] = defaultdict(float)
        for name, terms in entry_fields.items():
            norm = 1 - settings.b + settings.b * len(terms) / average[name]
            for term, tf in Counter(terms).items():
                weighted[term] += weights[name] * tf / norm
        for term, frequency_weight in weighted.items():
            saturated = frequency_weight / (settings.k1 + frequency_weight)
            postings[term].append((position, idf[term] * saturated))
    return idf, dict(postings)


def numbered_pairs(terms: Sequence[str]) -> list[str]:
    """Each number with the word just before it ("principle 6", "rule 5", "article 30"), as
    "principl>6". A number before a word is left alone: "7 principles" counts them."""
    return [f"{word}>{number}" for word, number in zip(terms, terms[1:])
            if number.isdigit() and not word.isdigit() and word != OUT_OF_SCOPE]


def sorted_tokens(text: str) -> str:
    """`text`'s whitespace-separated tokens sorted and joined by one space: the form
    token_sort_ratio compares, so that fuzz.ratio on two such forms gives its score."""
    return " ".join(sorted(text.split()))


def _idf(*, document_frequency: int, entry_count: int) -> float:
    return math.log(1 + (entry_count - document_frequency + 0.5) / (document_frequency + 0.5))


def _by_length(words: Mapping[str, int]) -> dict[int, list[str]]:
    buckets: dict[int, list[str]] = defaultdict(list)
    for word in sorted(words, key=lambda w: -words[w]):
        buckets[len(word)].append(word)
    return dict(buckets)
