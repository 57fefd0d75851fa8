"""Find the knowledge base entry that answers a member of staff's question, or decline.

A question and every entry go through the same text analysis (see synonyms.yaml): words,
British spelling, a light stemmer, synonyms mapped to canonical terms, stop words dropped.
Words of a question that the knowledge base does not know are first corrected to the
nearest known word when they are a likely typo (rapidfuzz, cached).

Ranking combines two signals into a confidence between 0 and 1:
  * lexical: BM25F over title, questions, tags and answer, divided by the most a question's
    terms could score, so terms the knowledge base does not know pull the confidence down;
  * similarity: rapidfuzz similarity of the question to the nearest stored phrasing (title
    or question) of each of the best lexical candidates.
The index answers when the best confidence clears a threshold and, unless it is very
confident, leads the runner-up by a margin; it declines when most of the question's words
are unknown. The settings were chosen on the tune split of benchmarks/eval (see its README).
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from knowledge.entries import PLACEHOLDER, Entry, KnowledgeError, placeholders_in

SYNONYMS_PATH = Path(__file__).resolve().parent / "synonyms.yaml"


@dataclass(frozen=True)
class Answer:
    """The index's reply to one question.

    When `answered` is false, `entry` is None and `related` holds up to two suggestions
    (candidates above the related floor) the bot may offer as "did you mean".
    """

    answered: bool
    entry: Entry | None
    score: float
    related: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """An entry ranked for a question, with the signals behind its confidence."""

    entry: Entry
    score: float
    lexical: float
    similarity: float


@dataclass(frozen=True)
class RankingSettings:
    """The knobs of ranking and declining."""

    title_weight: float = 2.0
    questions_weight: float = 1.0
    tags_weight: float = 1.5
    answer_weight: float = 0.5
    k1: float = 1.2
    b: float = 0.75
    unknown_term_weight: float = 0.6
    lexical_weight: float = 0.5
    candidates: int = 20
    threshold: float = 0.40
    confident: float = 0.60
    margin: float = 0.05
    min_known_share: float = 0.5
    related_floor: float = 0.30


@dataclass(frozen=True)
class Language:
    """Stop words, spelling variants and synonyms, as loaded from synonyms.yaml."""

    stopwords: frozenset[str]
    spellings: Mapping[str, str]
    keep_whole: frozenset[str]
    phrases: Mapping[tuple[str, ...], str]
    longest_phrase: int
    words: frozenset[str]


def load_language(path: Path | str = SYNONYMS_PATH) -> Language:
    """The language data in `path`, with every synonym stemmed the way questions are."""
    path = Path(path)
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    stopwords = frozenset(re.findall(r"[a-z0-9]+", str(data.get("stopwords", "")).lower()))
    spellings = {str(k).lower(): str(v).lower() for k, v in data.get("spellings", {}).items()}
    keep_whole = frozenset(str(word).lower() for word in data.get("keep_whole", []))
    bare = Language(stopwords, spellings, keep_whole, {}, 0, frozenset())
    phrases: dict[tuple[str, ...], str] = {}
    words: set[str] = set(stopwords) | set(spellings.values())
    for canonical, variants in (data.get("synonyms") or {}).items():
        term = "_".join(words_of(str(canonical), language=bare))
        for variant in [str(canonical), *(str(v) for v in variants)]:
            variant_words = words_of(variant, language=bare)
            words.update(variant_words)
            key = tuple(_stem(word, language=bare) for word in variant_words)
            if phrases.get(key, term) != term:
                raise KnowledgeError(f"{path}: synonym {variant!r} is listed under two terms")
            phrases[key] = term
    longest = max((len(key) for key in phrases), default=0)
    return Language(stopwords, spellings, keep_whole, phrases, longest, frozenset(words))


_IT_TEAM = re.compile(r"\bIT\b")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_IRREGULAR = {"can't": ["can", "not"], "won't": ["will", "not"], "shan't": ["shall", "not"]}


def words_of(text: str, *, language: Language) -> list[str]:
    """Lower-case words of `text`, contractions split and spellings made British."""
    text = _IT_TEAM.sub(" ict ", text).lower().replace("\u2019", "'").replace("\u2018", "'")
    words: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if word in _IRREGULAR:
            words.extend(_IRREGULAR[word])
        elif word.endswith("n't"):
            words.extend([word[:-3], "not"])
        else:
            head = word.partition("'")[0]
            words.append(language.spellings.get(head, head))
    return words


def stem(word: str) -> str:
    """A light suffix stripper: the same stem for share, shares, shared and sharing."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", "e"),
                                ("es", ""), ("s", "")):
        if not word.endswith(suffix) or (suffix == "s" and word.endswith(("ss", "us", "is"))):
            continue
        if suffix == "ed" and word.endswith("eed"):
            break
        shorter = word[: -len(suffix)] + replacement
        if len(shorter) >= 3:
            word = shorter
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def _stem(word: str, *, language: Language) -> str:
    return word if word in language.keep_whole else stem(word)


def terms_of(words: Sequence[str], *, language: Language) -> list[str]:
    """The search terms for `words`: stemmed, synonyms made canonical, stop words dropped."""
    stems = [_stem(word, language=language) for word in words]
    terms: list[str] = []
    position = 0
    while position < len(stems):
        for length in range(min(language.longest_phrase, len(stems) - position), 0, -1):
            canonical = language.phrases.get(tuple(stems[position : position + length]))
            if canonical is not None:
                terms.append(canonical)
                position += length
                break
        else:
            if words[position] not in language.stopwords:
                terms.append(stems[position])
            position += 1
    return terms


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
    ) -> None:
        self.entries = list(entries)
        self.language = language
        self.settings = settings
        self._by_id = {entry.id: entry for entry in self.entries}
        self._postings = postings
        self._idf = idf
        self._max_idf = _idf(document_frequency=0, entry_count=len(self.entries))
        self._phrasings = phrasings
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
    ) -> KnowledgeIndex:
        """Index `entries` with the shipped language data and settings unless given others."""
        entries = list(entries)
        language = language or load_language()
        settings = settings or RankingSettings()
        fields = [_fields(entry, language=language) for entry in entries]
        idf, postings = _weighted_postings(fields, settings=settings)
        phrasings = [
            tuple(" ".join(terms_of(words_of(text, language=language), language=language))
                  for text in (entry.title, *entry.questions))
            for entry in entries
        ]
        known_words: Counter[str] = Counter({word: 1 for word in language.words})
        for entry in entries:
            for text in (entry.title, *entry.questions, entry.answer, *entry.tags):
                known_words.update(words_of(text.replace("-", " "), language=language))
        return cls(entries=entries, language=language, settings=settings, postings=postings,
                   idf=idf, phrasings=phrasings, known_words=known_words)

    def get(self, entry_id: str) -> Entry | None:
        """The entry with this id, if the index holds it."""
        return self._by_id.get(entry_id)

    def ask(self, question: str) -> Answer:
        """The entry that answers `question`, or a decline when not confident."""
        terms, known_share = self.analyse(question)
        candidates = self.rank(terms)
        if not candidates:
            return Answer(answered=False, entry=None, score=0.0)
        best = candidates[0]
        if known_share < self.settings.min_known_share or not self._is_confident(candidates):
            suggestions = [c.entry for c in candidates[:2] if c.score >= self.settings.related_floor]
            return Answer(answered=False, entry=None, score=best.score, related=suggestions)
        return Answer(answered=True, entry=best.entry, score=best.score,
                      related=self._related(best.entry, candidates[1:]))

    def analyse(self, question: str) -> tuple[list[str], float]:
        """The question's distinct search terms, typos corrected, and the share the index knows."""
        words = words_of(question.replace("-", " "), language=self.language)
        corrected = [self._correct(word) if self._may_be_typo(word) else word for word in words]
        terms = list(dict.fromkeys(terms_of(corrected, language=self.language)))
        known = sum(1 for term in terms if term in self._idf)
        return terms, (known / len(terms) if terms else 0.0)

    def rank(self, terms: Sequence[str]) -> list[Candidate]:
        """The best candidates for these terms, most confident first."""
        if not terms:
            return []
        totals: dict[int, float] = defaultdict(float)
        for term in terms:
            for position, weight in self._postings.get(term, ()):
                totals[position] += weight
        if not totals:
            return []
        ceiling = sum(self._idf.get(term, self.settings.unknown_term_weight * self._max_idf)
                      for term in terms)
        best = heapq.nlargest(self.settings.candidates, totals.items(), key=lambda item: item[1])
        similarities = self._similarities(" ".join(terms), [position for position, _ in best])
        share = self.settings.lexical_weight
        ranked = [
            Candidate(entry=self.entries[position], score=share * (total / ceiling)
                      + (1 - share) * similarities.get(position, 0.0),
                      lexical=total / ceiling, similarity=similarities.get(position, 0.0))
            for position, total in best
        ]
        return sorted(ranked, key=lambda candidate: candidate.score, reverse=True)

    def _similarities(self, query: str, positions: Sequence[int]) -> dict[int, float]:
        choices = {(position, number): text for position in positions
                   for number, text in enumerate(self._phrasings[position])}
        best: dict[int, float] = {}
        for _, score, (position, _) in process.extract(
            query, choices, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=1
        ):
            best[position] = max(best.get(position, 0.0), score / 100)
        return best

    def _is_confident(self, candidates: Sequence[Candidate]) -> bool:
        best = candidates[0]
        if best.score < self.settings.threshold:
            return False
        if best.score >= self.settings.confident or len(candidates) < 2:
            return True
        runner_up = candidates[1]
        close_relatives = runner_up.entry.id in best.entry.related
        return close_relatives or best.score - runner_up.score >= self.settings.margin

    def _related(self, entry: Entry, others: Sequence[Candidate]) -> list[Entry]:
        related = [self._by_id[i] for i in entry.related if i in self._by_id and i != entry.id]
        for candidate in others:
            if candidate.score >= self.settings.related_floor and candidate.entry not in related:
                related.append(candidate.entry)
        return related[:2]

    def _may_be_typo(self, word: str) -> bool:
        return len(word) >= 3 and word.isalpha() and word not in self._known_words

    def _nearest_known_word(self, word: str) -> str:
        """The most frequent known word within one edit (two from 8 letters), else `word`.

        Words of up to four letters are only corrected to stop words ("teh", "waht"):
        among short words a single edit turns too many words into other real words.
        """
        edits = 1 if len(word) < 8 else 2
        short = len(word) <= 4
        nearest = [
            (distance, -self._known_words[known], known)
            for length in range(len(word) - edits, len(word) + edits + 1)
            for known, distance, _ in process.extract(
                word, self._words_by_length.get(length, []), scorer=OSA.distance,
                score_cutoff=edits, limit=None)
            if not short or known in self.language.stopwords
        ]
        return min(nearest)[2] if nearest else word


def render_answer(entry: Entry, values: Mapping[str, str]) -> str:
    """The entry's answer with each {placeholder} replaced by its value from `values`."""
    missing = sorted(placeholders_in(entry.answer) - set(values))
    if missing:
        raise KnowledgeError(f"entry {entry.id}: no value for placeholder {{{missing[0]}}}")
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), entry.answer)


def _fields(entry: Entry, *, language: Language) -> dict[str, list[str]]:
    def terms(text: str) -> list[str]:
        return terms_of(words_of(text.replace("-", " "), language=language), language=language)

    return {
        "title": terms(entry.title),
        "questions": [term for question in entry.questions for term in terms(question)],
        "tags": [term for tag in entry.tags for term in terms(tag)],
        "answer": terms(entry.answer),
    }


def _weighted_postings(
    fields: Sequence[Mapping[str, list[str]]], *, settings: RankingSettings
) -> tuple[dict[str, float], dict[str, list[tuple[int, float]]]]:
    weights = {"title": settings.title_weight, "questions": settings.questions_weight,
               "tags": settings.tags_weight, "answer": settings.answer_weight}
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
        for term, tf in weighted.items():
            postings[term].append((position, idf[term] * tf / (settings.k1 + tf)))
    return idf, dict(postings)


def _idf(*, document_frequency: int, entry_count: int) -> float:
    return math.log(1 + (entry_count - document_frequency + 0.5) / (document_frequency + 0.5))


def _by_length(words: Mapping[str, int]) -> dict[int, list[str]]:
    buckets: dict[int, list[str]] = defaultdict(list)
    for word in sorted(words, key=lambda w: -words[w]):
        buckets[len(word)].append(word)
    return dict(buckets)
