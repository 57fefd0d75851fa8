"""Tune the static embeddings to the knowledge base: each entry's phrasings drawn together, the
off-topic examples pushed away from them.

    python3 -m venv /tmp/tune-venv
    /tmp/tune-venv/bin/pip install torch==2.13.0 numpy==2.4.6 pyyaml==6.0.3 rapidfuzz==3.14.6
    PYTHONPATH=. /tmp/tune-venv/bin/python benchmarks/tune_embeddings.py [--cross-validate]

Run it from the repository root, after benchmarks/distil_embeddings.py: it reads the distilled
embeddings in knowledge/embeddings/, tunes them and writes them back in the same form, so igbot
reads them as before with numpy alone. PyTorch runs only here, once, in a throwaway venv (its
CPU build, which pip takes from the machine's own copy); nothing is fetched from a model hub.
It refuses embeddings it has already tuned: distil again first (or `git checkout` the file).

Why: the distilled vectors come from a general model, which puts "a letter went to the wrong
house" no nearer a misdirected-mail entry than to one about post in general. Trained on what
the knowledge base itself says belongs together, they rank messages worded unlike any phrasing
better (benchmarks/README.md has the figures). Run it again when many phrasings or off-topic
examples have changed; without it the search still works, with the vectors tuned before.

How, in three runs with different seeds whose vectors are averaged (one run can differ from
another by a few questions in a hundred; their average smooths that out):
  * every piece's vector v becomes (v + d) W, with d a learned correction for each piece
    (kept small by an L2 penalty on the pieces in each batch) and W one 256 x 256 map shared by
    all pieces (so pieces no phrasing uses move with the rest);
  * a text is the mean of its pieces, as at run time, made a unit vector;
  * each step draws two phrasings (the title counts as one) of each of 128 entries: the loss
    asks each first one to pick its partner among the batch's second ones and 128 off-topic
    examples (InfoNCE, temperature 0.05), and each off-topic example to stay under a cosine of
    0.3 to every phrasing of the batch;
  * 1,500 steps of Adam (learning rates 3e-3 for the corrections, 1e-3 for the map).
The text is the one knowledge/semantic.py embeds: its text-speak written out by the synonyms.

--cross-validate measures the tuning without the evaluation questions: the phrasings and the
off-topic examples are split into three folds by position, as in benchmarks/phrasing_cv.py;
for each fold the vectors are tuned without its phrasings and examples, and the index built
without them is asked each of them, with the distilled vectors and with the tuned ones. Nothing
is written.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch  # type: ignore[import-not-found]
import torch.nn.functional as functional  # type: ignore[import-not-found]

from knowledge.entries import Entry, load_entries
from knowledge.language import load_language
from knowledge.off_topic import load_off_topic
from knowledge.retrieval import KnowledgeIndex
from knowledge.semantic import EMBEDDINGS_PATH, StaticEmbeddings
from phrasing_cv import FOLDS, held_out_fold
from static_distillation import TUNED_MARK, pieces_in_order, quantised, write_embeddings

SEEDS = (0, 1, 2)
STEPS = 1500
ENTRIES_A_STEP = 128
OFF_TOPIC_A_STEP = 128
TEMPERATURE = 0.05
OFF_TOPIC_CEILING = 0.3
CORRECTION_PENALTY = 1e-2
CORRECTION_RATE = 3e-3
MAP_RATE = 1e-3

Rows = list[int]


@dataclass(frozen=True)
class Texts:
    """What the tuning learns from, as word-piece rows: each entry's phrasings, and the
    off-topic examples."""

    by_entry: list[list[Rows]]
    off_topic: list[Rows]


def texts_of(entries: Sequence[Entry], off_topic: Sequence[str], embeddings: StaticEmbeddings) -> Texts:
    written_out = load_language().written_out

    def rows(text: str) -> Rows:
        return embeddings.rows(written_out(text))

    by_entry = [[r for r in (rows(t) for t in (entry.title, *entry.questions)) if r] for entry in entries]
    return Texts(by_entry=by_entry, off_topic=[r for r in map(rows, off_topic) if r])


def tuned(base: np.ndarray, texts: Texts, *, seed: int) -> np.ndarray:
    """The vectors of one run: (base + corrections) @ map, trained as the docstring says."""
    draw = random.Random(seed)
    fixed = torch.from_numpy(base.astype(np.float32))
    corrections = torch.zeros_like(fixed, requires_grad=True)
    shared = torch.eye(fixed.shape[1], requires_grad=True)
    optimiser = torch.optim.Adam([{"params": [corrections], "lr": CORRECTION_RATE},
                                  {"params": [shared], "lr": MAP_RATE}])
    paired = [n for n, phrasings in enumerate(texts.by_entry) if len(phrasings) >= 2]

    def encode(texts_rows: list[Rows]) -> torch.Tensor:
        flat = torch.tensor([row for rows in texts_rows for row in rows])
        offsets = torch.tensor(np.cumsum([0, *map(len, texts_rows[:-1])]))
        means = (functional.embedding_bag(flat, fixed, offsets, mode="mean")
                 + functional.embedding_bag(flat, corrections, offsets, mode="mean"))
        return functional.normalize(means @ shared, dim=1)

    for _ in range(STEPS):
        firsts, seconds = zip(*(draw.sample(texts.by_entry[n], 2)
                                for n in draw.sample(paired, min(ENTRIES_A_STEP, len(paired)))))
        off_topic = draw.sample(texts.off_topic, min(OFF_TOPIC_A_STEP, len(texts.off_topic)))
        anchors, others = encode(list(firsts)), encode([*seconds, *off_topic])
        partners, strangers = others[:len(firsts)], others[len(firsts):]
        loss = functional.cross_entropy(anchors @ others.T / TEMPERATURE, torch.arange(len(firsts)))
        loss = loss + functional.relu(strangers @ partners.T - OFF_TOPIC_CEILING).mean()
        touched = torch.unique(torch.tensor([row for rows in (*firsts, *seconds, *off_topic) for row in rows]))
        loss = loss + CORRECTION_PENALTY * corrections[touched].pow(2).sum(dim=1).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    with torch.no_grad():
        return ((fixed + corrections) @ shared).numpy().astype(np.float64)


def averaged(base: np.ndarray, texts: Texts) -> np.ndarray:
    return np.mean([tuned(base, texts, seed=seed) for seed in SEEDS], axis=0)


def dequantised(embeddings: StaticEmbeddings) -> np.ndarray:
    return embeddings.values.astype(np.float64) * embeddings.scales[:, None]


def with_vectors(embeddings: StaticEmbeddings, vectors: np.ndarray) -> StaticEmbeddings:
    """`embeddings` with other vectors, stored as igbot stores them."""
    values, scales = quantised(vectors)
    return StaticEmbeddings(vocabulary=embeddings.vocabulary, values=values, scales=scales)


@dataclass
class Tally:
    """What one set of vectors did with the held-out phrasings and off-topic examples."""

    ranked_first: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    declined: int = 0

    def count(self, index: KnowledgeIndex, asked: Sequence[tuple[str, str]], off_topic: Sequence[str]) -> None:
        for question, entry_id in asked:
            ranked = index.rank(index.analyse(question), question=question)
            answer = index.ask(question)
            self.ranked_first += bool(ranked) and ranked[0].entry.id == entry_id
            if answer.answered and answer.entry is not None:
                self.answered_right += answer.entry.id == entry_id
                self.answered_wrong += answer.entry.id != entry_id
        self.declined += sum(not index.ask(text).answered for text in off_topic)


def cross_validate(base: StaticEmbeddings, entries: Sequence[Entry], off_topic: Sequence[str]) -> None:
    vectors = dequantised(base)
    tallies = {"distilled": Tally(), "tuned": Tally()}
    asked_in_all = off_topic_in_all = 0
    for fold in range(FOLDS):
        kept, asked = held_out_fold(entries, fold=fold)
        kept_off_topic = [t for n, t in enumerate(off_topic) if n % FOLDS != fold]
        held_off_topic = [t for n, t in enumerate(off_topic) if n % FOLDS == fold]
        fold_tuned = with_vectors(base, averaged(vectors, texts_of(kept, kept_off_topic, base)))
        for name, embeddings in (("distilled", base), ("tuned", fold_tuned)):
            index = KnowledgeIndex.build(kept, embeddings=embeddings, off_topic=kept_off_topic)
            tallies[name].count(index, asked, held_off_topic)
        asked_in_all += len(asked)
        off_topic_in_all += len(held_off_topic)
        print(f"fold {fold + 1} of {FOLDS} done", flush=True)
    for name, tally in tallies.items():
        print(f"{name:>9}: top-1 {tally.ranked_first / asked_in_all:.1%} ({tally.ranked_first}/{asked_in_all}), "
              f"answered right {tally.answered_right}, answered wrong {tally.answered_wrong}; "
              f"off-topic examples declined {tally.declined}/{off_topic_in_all}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cross-validate", action="store_true",
                        help="measure the tuning on held-out phrasings and examples; write nothing")
    arguments = parser.parse_args(argv)
    torch.set_num_threads(2)
    with np.load(EMBEDDINGS_PATH) as stored:
        if TUNED_MARK in stored.files:
            raise SystemExit(f"{EMBEDDINGS_PATH} is tuned already: run benchmarks/distil_embeddings.py first")
    base = StaticEmbeddings.load()
    entries, off_topic = load_entries(), load_off_topic()
    start = time.perf_counter()
    if arguments.cross_validate:
        cross_validate(base, entries, off_topic)
    else:
        texts = texts_of(entries, off_topic, base)
        vectors = averaged(dequantised(base), texts)
        write_embeddings(vectors, pieces_in_order(dict(base.vocabulary)), tuned=True)
        print(f"tuned on {sum(map(len, texts.by_entry))} phrasings of {len(entries)} entries and "
              f"{len(texts.off_topic)} off-topic examples -> {EMBEDDINGS_PATH}")
    print(f"{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
