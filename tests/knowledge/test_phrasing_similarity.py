"""Phrasing similarity is rapidfuzz's token_sort_ratio, worked out the cheap way.

The index sorts each stored phrasing's terms once, when it is built, and scores a question's
sorted terms against them with fuzz.ratio. These tests hold that to token_sort_ratio itself on
every phrasing that ships, so a rapidfuzz upgrade that changed either scorer would show here.
"""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz, process

from knowledge.entries import Entry, load_entries
from knowledge.language import OUT_OF_SCOPE, Language, terms_of, words_of
from knowledge.retrieval import KnowledgeIndex, sorted_tokens

# Questions as staff type them: typos, numbers, out-of-scope phrases, repeated words, one word.
TYPED_QUESTIONS = [
    "can i send a clients nhs number by emial to the gp",
    "what is caldicott principle 6 and rule 5",
    "how do I book annual leave for next month?",
    "IT said my laptop is encrypted, is it",
    "data data data breach breach",
    "subject access request 30 days or one month???",
    "shred",
    "who is our dpo and what does the siro do",
    "whats the wifi password for guests",
    "i've emailed the wrong person, can't recall it",
    # A long chat message, much longer than any phrasing.
    "morning all, quick one before the team meeting: yesterday afternoon a colleague from the "
    "community nursing team rang about a client we both support, asked for the latest care "
    "plan, medication list, safeguarding notes, contact details for the family and the "
    "social worker, and whether the housing officer could also be copied into future "
    "updates; the client moved flats last month, the GP practice changed, the new address "
    "is not on the system yet and the old paper file is still in the locked cabinet upstairs",
]


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    return KnowledgeIndex.build(load_entries())


def _phrasing_terms(text: str, *, language: Language) -> str:
    """A phrasing as the index stores it: its search terms, out-of-scope markers left out."""
    terms = terms_of(words_of(text.replace("-", " "), language=language), language=language)
    return " ".join(term for term in terms if term != OUT_OF_SCOPE)


def _phrasings(entry: Entry, *, language: Language) -> list[str]:
    return [_phrasing_terms(text, language=language) for text in (entry.title, *entry.questions)]


def test_ratio_of_sorted_tokens_is_token_sort_ratio_on_every_shipped_phrasing(
    index: KnowledgeIndex,
) -> None:
    phrasings = [p for entry in index.entries for p in _phrasings(entry, language=index.language)]
    queries = [" ".join(index.analyse(q)) for q in TYPED_QUESTIONS] + phrasings[::8]
    presorted = [sorted_tokens(phrasing) for phrasing in phrasings]

    for query in queries:
        plain = process.extract(query, phrasings, scorer=fuzz.token_sort_ratio, limit=None)
        fast = process.extract(sorted_tokens(query), presorted, scorer=fuzz.ratio, limit=None)
        assert {i: score for _, score, i in fast} == {i: score for _, score, i in plain}, query


def test_each_candidates_similarity_is_its_nearest_phrasings_token_sort_ratio(
    index: KnowledgeIndex,
) -> None:
    phrasings = {entry.id: _phrasings(entry, language=index.language) for entry in index.entries}
    questions = TYPED_QUESTIONS + [entry.questions[0] for entry in index.entries[::3]]

    for question in questions:
        terms = index.analyse(question)
        for candidate in index.rank(terms):
            scores = [fuzz.token_sort_ratio(" ".join(terms), phrasing, score_cutoff=1)
                      for phrasing in phrasings[candidate.entry.id]]
            assert candidate.similarity == max(scores) / 100, (question, candidate.entry.id)
