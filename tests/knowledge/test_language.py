"""The text analysis that questions and entries share: what a word stands for."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.entries import KnowledgeError
from knowledge.language import Language, load_language, terms_of, words_of


@pytest.fixture(scope="module")
def language() -> Language:
    return load_language()


def terms(text: str, language: Language) -> list[str]:
    return terms_of(words_of(text, language=language), language=language)


def test_a_stop_word_never_stands_for_a_synonym(language: Language) -> None:
    assert "record" in terms("where do my case notes go", language)
    assert "record" not in terms("i'm not sure, it isn't working", language)


def test_yearly_is_annual_but_a_year_is_only_a_year(language: Language) -> None:
    assert "annual" in terms("is the training yearly", language)
    assert "annual" not in terms("a 15 year old told me", language)


def test_homework_is_not_working_from_home(language: Language) -> None:
    assert "homeworking" in terms("rules for homeworking", language)
    assert "homeworking" not in terms("my son's homework", language)


def test_a_late_relative_has_died_but_a_late_client_has_not(language: Language) -> None:
    assert "deceased" in terms("son wants to see his late father's file", language)
    assert "deceased" not in terms("client was late for his appointment again", language)


def test_a_care_plan_is_not_a_car(language: Language) -> None:
    assert set(terms("left the notes in my car", language)).isdisjoint(terms("send the care plan", language))


def test_only_sectioned_and_female_cutting_name_the_mental_health_act_and_fgm(language: Language) -> None:
    assert "mental_health_act" in terms("client was sectioned last night", language)
    assert "mental_health_act" not in terms("which section of the policy covers this", language)
    assert "fgm" in terms("she told me about female cutting in her family", language)
    assert "fgm" not in terms("can I cut the names out of the report", language)


def test_text_speak_is_written_out_for_the_words_and_the_meaning(language: Language) -> None:
    assert terms("can i txt ur mgr", language) == terms("can i text your manager", language)
    assert language.written_out("Can I TXT the client's appt?") == "Can I text the client's appointment?"
    assert language.written_out("the hwy code") == "the hwy code"


def test_hours_run_together_with_their_number_are_two_words(language: Language) -> None:
    assert words_of("write up within 48hrs", language=language) == ["write", "up", "within", "48", "hours"]


def test_an_off_topic_phrase_is_marked(language: Language) -> None:
    assert "out_of_scope" in terms("when is the team away day", language)


def test_a_broken_or_missing_synonyms_file_is_one_sentence_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "synonyms.yaml"
    broken.write_text("synonyms: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="synonyms.yaml: not valid YAML"):
        load_language(broken)
    with pytest.raises(KnowledgeError, match="missing.yaml: file not found"):
        load_language(tmp_path / "missing.yaml")
