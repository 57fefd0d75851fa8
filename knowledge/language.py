"""The text analysis shared by questions and entries: words, stems, synonyms, stop words.

A text goes through the same steps whichever side it comes from (see synonyms.yaml): lower
case, contractions expanded, text-speak written out, spellings made British, a light stemmer,
each synonym phrase replaced by its canonical term (longest phrase first), stop words dropped,
and out-of-scope phrases ("annual leave") marked with OUT_OF_SCOPE.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.entries import KnowledgeError, read_yaml

SYNONYMS_PATH = Path(__file__).resolve().parent / "synonyms.yaml"
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Language:
    """Stop words, spelling variants and synonyms, as loaded from synonyms.yaml."""

    stopwords: frozenset[str]
    spellings: Mapping[str, str]  # the shorthand's words included
    keep_whole: frozenset[str]
    phrases: Mapping[tuple[str, ...], str]
    longest_phrase: Mapping[str, int]
    words: frozenset[str]
    shorthand: Mapping[str, str] = field(default_factory=dict)

    def written_out(self, text: str) -> str:
        """`text` with its text-speak written out in full ("txt" -> "text"), the rest as it is:
        what the meaning signal reads, so that it sees the words the search sees."""
        if not self.shorthand:
            return text
        return _SHORTHAND_WORD.sub(
            lambda match: self.shorthand.get(match.group().lower(), match.group()), text)


def load_language(path: Path | str = SYNONYMS_PATH) -> Language:
    """The language data in `path`, with every synonym stemmed the way questions are."""
    path = Path(path)
    data: Any = read_yaml(path) or {}
    stopwords = frozenset(re.findall(r"[a-z0-9]+", str(data.get("stopwords", "")).lower()))
    shorthand = {str(k).lower(): str(v).lower() for k, v in (data.get("shorthand") or {}).items()}
    spellings = {str(k).lower(): str(v).lower() for k, v in (data.get("spellings") or {}).items()} | shorthand
    keep_whole = frozenset(str(word).lower() for word in data.get("keep_whole", []))
    bare = Language(stopwords, spellings, keep_whole, {}, {}, frozenset())
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
    for phrase in data.get("out_of_scope") or []:
        phrase_words = words_of(str(phrase), language=bare)
        words.update(phrase_words)
        phrases[tuple(_stem(word, language=bare) for word in phrase_words)] = OUT_OF_SCOPE
    longest: dict[str, int] = {}
    for key in phrases:
        longest[key[0]] = max(longest.get(key[0], 0), len(key))
    return Language(stopwords, spellings, keep_whole, phrases, longest, frozenset(words), shorthand)


_IT_TEAM = re.compile(r"\bIT\b")
_SHORTHAND_WORD = re.compile(r"\b[A-Za-z0-9]+\b")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_IRREGULAR = {"can't": ["can", "not"], "won't": ["will", "not"], "shan't": ["shall", "not"]}


def words_of(text: str, *, language: Language) -> list[str]:
    """Lower-case words of `text`, contractions split and spellings made British."""
    text = _IT_TEAM.sub(" ict ", text).lower().replace("\u2019", "'").replace("\u2018", "'")
    words: list[str] = []
    for word in _WORD.findall(text):
        if "'" not in word:  # most words: only the spelling to check ("48hrs" is two words)
            words.extend(language.spellings.get(word, word).split())
        elif word in _IRREGULAR:
            words.extend(_IRREGULAR[word])
        elif word.endswith("n't"):
            words.extend([word[:-3], "not"])
        else:
            head = word.partition("'")[0]
            words.append(language.spellings.get(head, head))
    return words


_DERIVATIONS = (("ibility", "ible"), ("ability", "able"), ("isation", "ise"),
                ("ization", "ize"), ("iality", "ial"), ("ly", ""))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: one stem for share, shares, shared and sharing, and for
    responsible and responsibilities, minimise and minimisation, secure and securely."""
    if word[:-1].isdigit() and word.endswith("s"):
        return word[:-1]
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
    for suffix, replacement in _DERIVATIONS:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith(("ily", "ply")):
            word = word[: -len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


def _stem(word: str, *, language: Language) -> str:
    return word if word in language.keep_whole else stem(word)


def terms_of(words: Sequence[str], *, language: Language) -> list[str]:
    """The search terms for `words`: stemmed, synonyms made canonical, stop words dropped.

    A stop word on its own never stands for a synonym, even when its stem meets one: "not"
    (from "isn't") is not "notes".
    """
    keep_whole = language.keep_whole
    stems = [word if word in keep_whole else stem(word) for word in words]  # as _stem does
    terms: list[str] = []
    position = 0
    while position < len(stems):
        longest = min(language.longest_phrase.get(stems[position], 0), len(stems) - position)
        for length in range(longest, 0, -1):
            canonical = language.phrases.get(tuple(stems[position : position + length]))
            if length == 1 and words[position] in language.stopwords:
                canonical = None
            if canonical is not None:
                terms.append(canonical)
                position += length
                break
        else:
            if words[position] not in language.stopwords:
                terms.append(stems[position])
            position += 1
    return terms
