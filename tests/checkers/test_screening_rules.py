"""The situation check's result rules (content/screening.yml), at every tier boundary, and the
checks that keep an expert's edit of those rules sound."""

from __future__ import annotations

import pytest

from bot.checkers.screening import Screening, assess, parse
from bot.content import CONTENT_ROOT, load_library
from tests.content.test_content_check import content_copy, edit, errors  # noqa: F401 - fixture

ILO_INDICATORS = {
    "ilo.abuse_of_vulnerability", "ilo.deception", "ilo.restriction_of_movement", "ilo.isolation",
    "ilo.physical_and_sexual_violence", "ilo.intimidation_and_threats",
    "ilo.retention_of_identity_documents", "ilo.withholding_of_wages", "ilo.debt_bondage",
    "ilo.abusive_working_and_living_conditions", "ilo.excessive_overtime",
}
RECRUITMENT_SIGNS = {
    "recruitment.third_party_arranges", "recruitment.fees_or_debt",
    "recruitment.differs_from_promise", "recruitment.money_to_family",
    "recruitment.broker_holds_documents",
}


@pytest.fixture(scope="module")
def shipped() -> Screening:
    screening = load_library(CONTENT_ROOT).screening
    assert screening is not None
    return screening


def rules(warning_signs: int = 2, **extra: dict) -> Screening:
    """A small rule set: three ordinary questions, one urgent, one where "No" is the sign."""
    data = {
        "indicators": {"ilo.deception": {}, "ilo.isolation": {}, "ilo.debt_bondage": {},
                       "ilo.restriction_of_movement": {}, "ilo.excessive_overtime": {}},
        "questions": {
            "a": {"indicator": "ilo.deception"},
            "b": {"indicator": "ilo.isolation"},
            "c": {"indicator": "ilo.excessive_overtime"},
            "locked": {"indicator": "ilo.restriction_of_movement", "urgent": True},
            "free_to_go": {"indicator": "ilo.debt_bondage", "sign": "no"},
            "elsewhere": {"indicator": "ilo.deception"},
        },
        "situations": {
            "offer": ["a", "b", "c", "locked", "free_to_go", "elsewhere"],
            "working": ["a", "b", "c", "locked", "free_to_go", "elsewhere"],
            "marriage": ["a", "b", "c", "locked", "free_to_go", "elsewhere"],
        },
        "result": {"warning_signs": warning_signs},
        **extra,
    }
    screening, problems = parse(data, lambda key: 1)
    assert not problems, problems
    return screening


def test_no_signs_is_low():
    result = assess(rules(), "working", {"a": "no", "b": "no", "c": "no", "locked": "no",
                                         "free_to_go": "yes"})
    assert (result.tier, result.signs, result.unsure) == ("low", (), ())


def test_one_sign_below_the_warning_threshold_is_low_and_still_named():
    result = assess(rules(), "working", {"a": "yes", "b": "no"})
    assert (result.tier, result.signs) == ("low", ("a",))


def test_two_signs_reach_warning():
    result = assess(rules(), "working", {"a": "yes", "b": "yes", "c": "no"})
    assert (result.tier, result.signs) == ("warning", ("a", "b"))


def test_the_warning_threshold_comes_from_content():
    answers = {"a": "yes", "b": "yes"}
    assert assess(rules(warning_signs=3), "working", answers).tier == "low"
    assert assess(rules(warning_signs=3), "working", {**answers, "c": "yes"}).tier == "warning"


def test_one_urgent_sign_alone_is_urgent():
    result = assess(rules(), "working", {"a": "no", "locked": "yes"})
    assert (result.tier, result.signs) == ("urgent", ("locked",))


def test_urgent_wins_over_warning():
    assert assess(rules(), "working", {"a": "yes", "b": "yes", "locked": "yes"}).tier == "urgent"


def test_not_sure_is_never_a_sign_but_is_listed_to_find_out():
    result = assess(rules(), "working", {"locked": "not_sure", "a": "not_sure", "b": "yes"})
    assert (result.tier, result.signs, result.unsure) == ("low", ("b",), ("a", "locked"))  # in the order asked


def test_skipped_questions_are_left_out():
    result = assess(rules(), "working", {"locked": "skip", "a": "skip", "b": "yes"})
    assert (result.tier, result.signs, result.unsure) == ("low", ("b",), ())


def test_a_question_whose_sign_is_no():
    assert assess(rules(), "working", {"free_to_go": "no", "a": "yes"}).signs == ("a", "free_to_go")
    assert assess(rules(), "working", {"free_to_go": "yes"}).signs == ()


def test_indicators_are_what_the_statistics_get(shipped):
    result = assess(shipped, "working", {"documents": "yes", "wages": "yes", "overtime": "no"})
    assert result.tier == "urgent"
    assert result.indicators(shipped) == ["ilo.retention_of_identity_documents",
                                          "ilo.withholding_of_wages"]


def test_next_question_follows_the_situation_order(shipped):
    first, second = shipped.situations["offer"][:2]
    assert shipped.next_question("offer", {}) == first
    assert shipped.next_question("offer", {first: "skip"}) == second
    everything = dict.fromkeys(shipped.situations["offer"], "no")
    assert shipped.next_question("offer", everything) is None
    assert shipped.progress("offer", {first: "yes"}) == (2, len(shipped.situations["offer"]))


@pytest.mark.parametrize("kind", ["offer", "working", "marriage"])
def test_each_situation_asks_six_to_ten_questions(shipped, kind):
    assert 6 <= len(shipped.situations[kind]) <= 10


def test_the_shipped_questions_cover_every_ilo_indicator_and_recruitment_sign(shipped):
    served = {q.indicator for q in shipped.questions.values()}
    assert ILO_INDICATORS | RECRUITMENT_SIGNS <= served


def test_the_urgent_tier_covers_what_the_brief_calls_urgent(shipped):
    urgent = {q.indicator for q in shipped.questions.values() if q.urgent}
    assert {"ilo.restriction_of_movement", "ilo.retention_of_identity_documents",
            "ilo.physical_and_sexual_violence", "ilo.intimidation_and_threats"} <= urgent


# -- an expert's edit that breaks the rules is caught by `prayat content check` ------------------

def test_a_situation_asking_an_unknown_question(content_copy):  # noqa: F811
    line = edit(content_copy / "screening.yml", "  offer: [third_party,", "  offer: [thirdparty,")
    assert ("screening.yml", line - 1,
            "situation 'offer' asks unknown question(s) ['thirdparty']") in errors(content_copy)


def test_a_question_serving_an_unlisted_indicator(content_copy):  # noqa: F811
    edit(content_copy / "screening.yml", "{indicator: ilo.isolation}", "{indicator: ilo.lonely}")
    found = [e for e in errors(content_copy) if e[0] == "screening.yml"]
    assert any("'isolation' needs an `indicator` listed under `indicators`" in e[2] for e in found)


def test_a_situation_with_too_few_questions(content_copy):  # noqa: F811
    edit(content_copy / "screening.yml",
         "  offer: [third_party, fees_debt, too_good, differs, broker_documents, money_family, "
         "secrecy_rush]", "  offer: [third_party, fees_debt]")
    assert any("situation 'offer' has 2 questions; keep it between 6 and 10" in e[2]
               for e in errors(content_copy))


def test_a_new_question_without_its_texts(content_copy):  # noqa: F811
    edit(content_copy / "screening.yml", "  marriage_forced: {indicator:",
         "  curfew: {indicator: ilo.restriction_of_movement}\n  marriage_forced: {indicator:")
    found = errors(content_copy)
    assert [e[0] for e in found] == ["screening.yml"]
    assert "screening.q.curfew.other, screening.q.curfew.self, screening.sign.curfew" in found[0][2]


def test_a_warning_threshold_that_is_not_a_number(content_copy):  # noqa: F811
    edit(content_copy / "screening.yml", "warning_signs: 2", "warning_signs: two")
    assert any("`result.warning_signs` must be a whole number" in e[2] for e in errors(content_copy))
