"""A semantic signal: how close a question's meaning is to each entry's phrasings.

Static word-piece embeddings distilled once from the sentence-embedding model all-MiniLM-L6-v2
(benchmarks/distil_embeddings.py, from PyPI packages), then tuned so that each entry's phrasings
lie close together and the off-topic examples away from them (benchmarks/tune_embeddings.py;
numbers in benchmarks/README.md), are shipped in knowledge/embeddings/. A text's vector is the
mean of its word pieces' vectors, so a question is embedded with numpy alone in well under a
millisecond: no model runs while igbot answers, and nothing is fetched. Two texts that share no
word ("my laptop got nicked" and "a stolen device") can still be close.

The word pieces are BERT's (uncased): accents removed, lower case, punctuation split off, then
each word cut greedily into the longest pieces the vocabulary holds. The distillation script
checks that this gives exactly what the `tokenizers` package gives on every entry's text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from knowledge.entries import KnowledgeError

EMBEDDINGS_DIRECTORY = Path(__file__).resolve().parent / "embeddings"
EMBEDDINGS_PATH = EMBEDDINGS_DIRECTORY / "minilm-static.npz"
VOCABULARY_PATH = EMBEDDINGS_DIRECTORY / "vocab.txt"

UNKNOWN = "[UNK]"
_LONGEST_WORD = 100  # characters; BERT calls a longer word unknown
_REMEMBERED_WORDS = 50_000
_BATCH = 1024
_ASCII_WORDS = re.compile(r"[a-z0-9]+|[^a-z0-9 \t\n\r]")
_ASCII_PLAIN = re.compile(r"[\x20-\x7e\t\n\r]*")  # printable ASCII, tab and line breaks


@dataclass(frozen=True)
class StaticEmbeddings:
    """One vector per word piece, kept as int8 with a scale for each row (a quarter of the
    memory of float32; a text's mean is taken in float32)."""

    vocabulary: Mapping[str, int]
    values: np.ndarray  # pieces x dimensions, int8
    scales: np.ndarray  # pieces, float32
    # Each word's rows, worked out once: staff use the same few thousand words over and over.
    _rows_by_word: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, path: Path = EMBEDDINGS_PATH,
             vocabulary_path: Path = VOCABULARY_PATH) -> StaticEmbeddings:
        """The shipped embeddings; a missing or damaged file is a `KnowledgeError`."""
        try:
            with np.load(path) as stored:
                values, scales = stored["vectors"], stored["scales"].astype(np.float32)
            pieces = vocabulary_path.read_text(encoding="utf-8").splitlines()
        except (OSError, KeyError, ValueError) as error:
            raise KnowledgeError(f"cannot read the embeddings in {path.parent}: {error}") from None
        if values.dtype != np.int8 or values.ndim != 2 or scales.shape != (len(values),):
            raise KnowledgeError(f"{path}: expected int8 vectors with one scale a row")
        if len(pieces) != len(values) or UNKNOWN not in pieces:
            raise KnowledgeError(f"{vocabulary_path}: {len(pieces)} word pieces for "
                                 f"{len(values)} vectors, or no {UNKNOWN}")
        return cls(vocabulary={piece: row for row, piece in enumerate(pieces)}, values=values,
                   scales=scales)

    @property
    def dimensions(self) -> int:
        return int(self.values.shape[1])

    def embed(self, text: str) -> np.ndarray:
        """`text`'s unit vector: the mean of its word pieces' vectors (zeros if it has none)."""
        rows = self.rows(text)
        if not rows:
            return np.zeros(self.dimensions, dtype=np.float32)
        mean: np.ndarray = self._vectors(rows).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm > 0 else mean

    def embed_all(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, as rows (zeros for a text with no word piece): each batch
        of texts is one gather and one sum, not a numpy call per text."""
        embedded = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(texts), _BATCH):
            rows = [self.rows(text) for text in texts[start:start + _BATCH]]
            filled = [n for n, text_rows in enumerate(rows) if text_rows]
            if not filled:
                continue
            offsets = np.cumsum([0, *[len(rows[n]) for n in filled[:-1]]])
            sums = np.add.reduceat(self._vectors([row for n in filled for row in rows[n]]), offsets)
            norms = np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
            embedded[start + np.array(filled)] = sums / norms
        return embedded

    def _vectors(self, rows: list[int]) -> np.ndarray:
        vectors: np.ndarray = self.values[rows].astype(np.float32) * self.scales[rows, None]
        return vectors

    def rows(self, text: str) -> list[int]:
        """The vocabulary rows of `text`'s word pieces, in order (the unknown piece's for a word
        the vocabulary cannot spell)."""
        return [row for word in basic_words(text) for row in self._word_rows(word)]

    def _word_rows(self, word: str) -> tuple[int, ...]:
        rows = self._rows_by_word.get(word)
        if rows is None:
            if len(self._rows_by_word) >= _REMEMBERED_WORDS:
                self._rows_by_word.clear()  # a bound on memory; the common words come back
            vocabulary, unknown = self.vocabulary, self.vocabulary[UNKNOWN]
            rows = tuple(vocabulary.get(piece, unknown) for piece in _pieces(word, vocabulary))
            self._rows_by_word[word] = rows
        return rows


@dataclass(frozen=True)
class PhrasingVectors:
    """Each entry's phrasings (title and stored questions) as unit vectors, one matrix an entry."""

    embeddings: StaticEmbeddings
    by_entry: tuple[np.ndarray, ...]

    @classmethod
    def build(cls, phrasings: Sequence[Sequence[str]], *,
              embeddings: StaticEmbeddings) -> PhrasingVectors:
        """Vectors for `phrasings`, one sequence of texts for each entry, in order."""
        if not phrasings:
            return cls(embeddings=embeddings, by_entry=())
        vectors = embeddings.embed_all([text for texts in phrasings for text in texts])
        ends = np.cumsum([len(texts) for texts in phrasings])
        return cls(embeddings=embeddings, by_entry=tuple(np.split(vectors, ends[:-1])))

    def closeness(self, vector: np.ndarray, positions: Sequence[int]) -> list[float]:
        """The cosine between a question's `vector` (StaticEmbeddings.embed) and each entry's nearest
        phrasing, for the entries at `positions` (0 for an entry with no phrasing)."""
        return [float((self.by_entry[p] @ vector).max()) if len(self.by_entry[p]) else 0.0
                for p in positions]


@lru_cache(maxsize=1)
def load_embeddings() -> StaticEmbeddings:
    """The shipped embeddings, read once per process."""
    return StaticEmbeddings.load()


def word_pieces(text: str, vocabulary: Mapping[str, int]) -> list[str]:
    """`text` as BERT's uncased word pieces."""
    return [piece for word in basic_words(text) for piece in _pieces(word, vocabulary)]


def basic_words(text: str) -> list[str]:
    """BERT's basic tokenisation: control characters dropped, accents removed, lower case,
    each punctuation mark a word of its own, each CJK character too."""
    if _ASCII_PLAIN.fullmatch(text):
        return _ASCII_WORDS.findall(text.lower())
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if character in " \t\n\r" or category == "Zs":
            kept.append(" ")
        elif character in ("\x00", "\ufffd") or category.startswith("C"):
            continue
        elif _is_cjk(ord(character)):
            kept.append(f" {character} ")
        else:
            kept.append(character)
    decomposed = unicodedata.normalize("NFD", "".join(kept).lower())
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    words = []
    for chunk in plain.split():
        current = ""
        for character in chunk:
            if _is_punctuation(character):
                words += [current, character] if current else [character]
                current = ""
            else:
                current += character
        if current:
            words.append(current)
    return words


def _pieces(word: str, vocabulary: Mapping[str, int]) -> tuple[str, ...]:
    return (word,) if word in vocabulary else _split(word, vocabulary)


def _split(word: str, vocabulary: Mapping[str, int]) -> tuple[str, ...]:
    """Greedy longest-match word pieces, continuations marked "##"; unknown if any part is."""
    if len(word) > _LONGEST_WORD:
        return (UNKNOWN,)
    pieces, start = [], 0
    while start < len(word):
        for end in range(len(word), start, -1):
            piece = word[start:end] if start == 0 else f"##{word[start:end]}"
            if piece in vocabulary:
                pieces.append(piece)
                start = end
                break
        else:
            return (UNKNOWN,)
    return tuple(pieces)


def _is_punctuation(character: str) -> bool:
    code = ord(character)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(character).startswith("P")


def _is_cjk(code: int) -> bool:
    return any(low <= code <= high for low, high in _CJK_RANGES)


_CJK_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
               (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
