"""The semantic signal: static word-piece embeddings shipped in the repository, read with numpy."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest

from knowledge.entries import Entry, KnowledgeError
from knowledge.retrieval import KnowledgeIndex, RankingSettings
from knowledge.semantic import (
    EMBEDDINGS_PATH,
    VOCABULARY_PATH,
    PhrasingVectors,
    StaticEmbeddings,
    basic_words,
    load_embeddings,
    word_pieces,
)

PHRASINGS = {
    "stolen-device": ("Reporting a stolen work device", "what do i do if my work phone is stolen"),
    "retention": ("How long records are kept", "retention periods for health records"),
    "misdirected-email": ("Sending an email to the wrong person", "i emailed the wrong person"),
}


def entry(entry_id: str, answer: str) -> Entry:
    title, *questions = PHRASINGS[entry_id]
    return Entry(id=entry_id, title=title, questions=tuple(questions), answer=answer)


@pytest.fixture(scope="module")
def embeddings() -> StaticEmbeddings:
    return load_embeddings()


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("thief grabbed laptop", "stolen-device"),
        ("oops, sent it off at some incorrect address", "misdirected-email"),
    ],
)
def test_a_paraphrase_sharing_no_word_with_its_entry_is_closest_to_it(
    embeddings: StaticEmbeddings, question: str, expected: str
) -> None:
    ids = list(PHRASINGS)
    vectors = PhrasingVectors.build([PHRASINGS[i] for i in ids], embeddings=embeddings)
    shared = set(basic_words(question)) & {w for text in PHRASINGS[expected] for w in basic_words(text)}

    closeness = vectors.closeness(embeddings.embed(question), range(len(ids)))

    assert shared == set()
    assert ids[int(np.argmax(closeness))] == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("my manager's letter landed at the incorrect house", "misdirected-email"),
        ("manager: how many years before shredding", "retention"),
    ],
)
def test_the_re_ordering_puts_the_entry_that_means_the_same_first(
    embeddings: StaticEmbeddings, question: str, expected: str
) -> None:
    # Every answer names the manager, so every entry is a candidate; the words of the question
    # favour another entry, and only its meaning points at the expected one.
    entries = [entry(entry_id, "Tell your manager.") for entry_id in PHRASINGS]

    def first(weight: float) -> str:
        index = KnowledgeIndex.build(entries, settings=RankingSettings(semantic_weight=weight),
                                     embeddings=embeddings)
        return index.rank(index.analyse(question), question=question)[0].entry.id

    assert first(0.0) != expected
    assert first(0.5) == expected


def test_embedding_is_deterministic(embeddings: StaticEmbeddings) -> None:
    texts = ["can i use whatsapp with clients", "Café: naïve résumé!", "", "???"]

    once, again = embeddings.embed_all(texts), StaticEmbeddings.load().embed_all(texts)

    assert once.tobytes() == again.tobytes()
    assert np.allclose(once, np.stack([embeddings.embed(text) for text in texts]), atol=1e-6)
    assert np.allclose(np.linalg.norm(once[:2], axis=1), 1.0, atol=1e-5)
    assert not once[2].any()  # no word piece: no direction, so close to nothing


def test_the_embeddings_load_from_the_repository_with_the_network_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network unavailable")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)

    loaded = StaticEmbeddings.load()

    assert EMBEDDINGS_PATH.is_relative_to(Path(__file__).resolve().parents[2] / "knowledge")
    assert len(loaded.vocabulary) == 30522
    assert loaded.embed("data breach").shape == (256,)


def test_damaged_embeddings_are_one_clear_error(tmp_path: Path) -> None:
    damaged = tmp_path / "minilm-static.npz"
    damaged.write_bytes(b"not numpy")

    with pytest.raises(KnowledgeError, match="cannot read the embeddings"):
        StaticEmbeddings.load(damaged, VOCABULARY_PATH)


def test_a_vocabulary_that_does_not_match_the_vectors_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "vocab.txt"
    short.write_text("[UNK]\nthe\n", encoding="utf-8")

    with pytest.raises(KnowledgeError, match="word pieces for"):
        StaticEmbeddings.load(EMBEDDINGS_PATH, short)


def test_word_pieces_follow_bert_uncased(embeddings: StaticEmbeddings) -> None:
    vocabulary = embeddings.vocabulary

    assert basic_words("Café: naïve, isn't it?") == ["cafe", ":", "naive", ",", "isn", "'", "t", "it", "?"]
    assert word_pieces("pseudonymisation", vocabulary) == ["pseudonym", "##isation"]
    assert word_pieces("x" * 101, vocabulary) == ["[UNK]"]
    assert basic_words("日本 records") == ["日", "本", "records"]


def test_the_signal_is_not_read_when_it_has_no_weight(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable(*args: object, **kwargs: object) -> StaticEmbeddings:
        raise AssertionError("the embeddings were read")

    monkeypatch.setattr("knowledge.retrieval.load_embeddings", unreadable)
    index = KnowledgeIndex.build([entry("retention", "Eight years for adults.")],
                                 settings=RankingSettings(semantic_weight=0.0))

    assert index.ask("how long are records kept").entry is not None
