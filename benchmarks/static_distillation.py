"""What the two distillation scripts share: model2vec's steps in numpy, and writing what igbot reads.

distil_embeddings.py (the shipped all-MiniLM-L6-v2 embeddings) and distil_mpnet.py (the
all-mpnet-base-v2 experiment) differ only in how they run their teacher over the word pieces.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from knowledge.entries import load_entries
from knowledge.semantic import EMBEDDINGS_PATH, VOCABULARY_PATH, StaticEmbeddings, word_pieces

SIF = 1e-4
# Stored beside the vectors by benchmarks/tune_embeddings.py: these vectors are tuned already.
TUNED_MARK = "tuned"


def pieces_in_order(vocabulary: dict[str, int]) -> list[str]:
    """The vocabulary's pieces by id; ids other than 0 to n - 1 stop the run."""
    pieces = sorted(vocabulary, key=vocabulary.__getitem__)
    if [vocabulary[piece] for piece in pieces] != list(range(len(pieces))):
        raise SystemExit("the vocabulary's ids are not 0 to n - 1")
    return pieces


def distil(vectors: np.ndarray, *, dimensions: int, first_word_id: int) -> np.ndarray:
    """PCA to `dimensions`, then model2vec's Zipf weighting, sif / (sif + p), with p the Zipf
    probability of each piece's frequency rank counted from `first_word_id` ("the")."""
    centred = vectors - vectors.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ components[:dimensions].T
    rank = np.maximum(np.arange(len(reduced)) - first_word_id, 0).astype(np.float64)
    inverse = 1 / (rank + 2)
    probability = inverse / inverse.sum()
    return reduced * (SIF / (SIF + probability))[:, None]


def quantised(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`vectors` as igbot stores them: int8 rows, and a float32 scale for each row."""
    scales = np.abs(vectors).max(axis=1) / 127
    scales[scales == 0] = 1.0
    return np.round(vectors / scales[:, None]).astype(np.int8), scales.astype(np.float32)


def write_embeddings(vectors: np.ndarray, pieces: list[str], *, tuned: bool = False) -> None:
    """Store `vectors` as int8 rows with a scale each, and `pieces`, where igbot reads them,
    then read them back as igbot does; `tuned` marks vectors tune_embeddings.py wrote."""
    values, scales = quantised(vectors)
    EMBEDDINGS_PATH.parent.mkdir(parents=True, exist_ok=True)
    with EMBEDDINGS_PATH.open("wb") as file:
        marks = {TUNED_MARK: np.array(True)} if tuned else {}
        np.savez_compressed(file, vectors=values, scales=scales, **marks)
    VOCABULARY_PATH.write_text("".join(f"{piece}\n" for piece in pieces), encoding="utf-8")
    StaticEmbeddings.load()


def tokenizer_differences(tokenizer: Any, vocabulary: dict[str, int]) -> tuple[int, list[str]]:
    """How many entry texts there are, and each one that knowledge/semantic.py splits otherwise
    than the `tokenizers` package's `tokenizer` does."""
    texts = [text for entry in load_entries()
             for text in (entry.title, *entry.questions, *entry.tags, entry.answer)]
    differences = []
    for text in texts:
        ours = word_pieces(text, vocabulary)
        theirs = tokenizer.encode(text, add_special_tokens=False).tokens
        if ours != theirs:
            differences.append(f"{text[:80]!r}:\n    ours   {ours[:30]}\n    theirs {theirs[:30]}")
    return len(texts), differences
