"""The situation check's rules, read from content/screening.yml, and the result they give.

No validated numeric score exists for self-screening, so the result is a tier (urgent, warning,
low), decided by rules an expert can read and change in the content file:
- urgent: any question marked `urgent` answered with its sign;
- warning: at least `result.warning_signs` signs;
- low: fewer.
"Not sure" is never a sign; it is listed as something to find out. "Skip" leaves a question out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ANSWERS = ("yes", "no", "not_sure", "skip")
WHO = ("self", "other")
TIERS = ("urgent", "warning", "low")
MIN_QUESTIONS, MAX_QUESTIONS = 6, 10
# The dialogue slots that hold one check's answers: cleared when the check ends, however it ends,
# and then blanked in the database (bot/dialogue/tracker_store.py).
ANSWER_SLOTS = ("screening_who", "screening_kind", "screening_answer", "screening_answers")


def answer_payload(answer: str, question: str) -> str:
    """What an answer button under one question sends. The question travels with it, so a
    button pressed under an earlier question is not taken as the answer to the current one."""
    return f'/screening_answer{{"answer":"{answer}","q":"{question}"}}'


@dataclass(frozen=True)
class Question:
    id: str
    indicator: str
    urgent: bool = False
    sign: str = "yes"  # the answer that counts as the warning sign


@dataclass(frozen=True)
class Screening:
    indicators: tuple[str, ...]
    questions: Mapping[str, Question]
    situations: Mapping[str, tuple[str, ...]]  # kind of situation -> question ids, in order
    warning_signs: int

    def next_question(self, kind: str, answers: Mapping[str, str]) -> str | None:
        """The first question of this situation not answered yet (None when all are)."""
        return next((q for q in self.situations.get(kind, ()) if q not in answers), None)

    def progress(self, kind: str, answers: Mapping[str, str]) -> tuple[int, int]:
        """(number of the question about to be asked, number of questions) for this situation."""
        questions = self.situations.get(kind, ())
        return min(len(answers) + 1, len(questions)), len(questions)


@dataclass(frozen=True)
class Result:
    tier: str
    signs: tuple[str, ...]  # question ids answered with their sign, in the order asked
    unsure: tuple[str, ...]  # question ids answered "not sure"

    def indicators(self, screening: Screening) -> list[str]:
        """The indicator each sign serves: what goes to the anonymous statistics."""
        return [screening.questions[q].indicator for q in self.signs]


def assess(screening: Screening, kind: str, answers: Mapping[str, str]) -> Result:
    """The tier for one situation's answers. Questions not in the situation are ignored."""
    asked = [q for q in screening.situations.get(kind, ()) if q in answers]
    signs = tuple(q for q in asked if answers[q] == screening.questions[q].sign)
    unsure = tuple(q for q in asked if answers[q] == "not_sure")
    if any(screening.questions[q].urgent for q in signs):
        tier = "urgent"
    elif len(signs) >= screening.warning_signs:
        tier = "warning"
    else:
        tier = "low"
    return Result(tier, signs, unsure)


def parse(data: Any, line_of: Any) -> tuple[Screening | None, list[tuple[int, str]]]:
    """The rules from the parsed content file, or None, with every problem as (line, message).

    `line_of(key)` gives the line of a top-level key (for messages an editor can act on).
    """
    problems: list[tuple[int, str]] = []
    if not isinstance(data, Mapping):
        return None, [(1, "the file must have `indicators`, `questions`, `situations` and `result`")]
    indicators = data.get("indicators")
    if not isinstance(indicators, Mapping) or not indicators:
        problems.append((line_of("indicators"), "`indicators` must list the indicators questions serve"))
        indicators = {}
    questions: dict[str, Question] = {}
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, Mapping) or not raw_questions:
        problems.append((line_of("questions"), "`questions` must list the questions"))
        raw_questions = {}
    for qid, entry in raw_questions.items():
        if not isinstance(entry, Mapping) or entry.get("indicator") not in indicators:
            problems.append((line_of("questions"), f"question {qid!r} needs an `indicator` listed "
                             "under `indicators`"))
            continue
        if len(answer_payload("not_sure", str(qid)).encode("utf-8")) > 64:
            problems.append((line_of("questions"), f"question id {qid!r} is too long for "
                             "Telegram's buttons; use a shorter one"))
            continue
        sign = entry.get("sign", "yes")
        if sign not in ("yes", "no"):
            problems.append((line_of("questions"), f"question {qid!r}: `sign` must be yes or no"))
            continue
        questions[str(qid)] = Question(str(qid), entry["indicator"], bool(entry.get("urgent")), sign)
    situations: dict[str, tuple[str, ...]] = {}
    raw_situations = data.get("situations")
    if not isinstance(raw_situations, Mapping) or set(raw_situations) != {"offer", "working", "marriage"}:
        problems.append((line_of("situations"), "`situations` must have exactly offer, working "
                         "and marriage"))
        raw_situations = raw_situations if isinstance(raw_situations, Mapping) else {}
    for kind, ids in raw_situations.items():
        if not isinstance(ids, list):
            problems.append((line_of("situations"), f"situation {kind!r} must be a list of questions"))
            continue
        unknown = [q for q in ids if q not in raw_questions]
        if unknown:
            problems.append((line_of("situations"), f"situation {kind!r} asks unknown question(s) "
                             f"{unknown}"))
        if len(set(ids)) != len(ids):
            problems.append((line_of("situations"), f"situation {kind!r} asks a question twice"))
        if not MIN_QUESTIONS <= len(ids) <= MAX_QUESTIONS:
            problems.append((line_of("situations"), f"situation {kind!r} has {len(ids)} questions; "
                             f"keep it between {MIN_QUESTIONS} and {MAX_QUESTIONS}"))
        situations[str(kind)] = tuple(str(q) for q in ids)
    result = data.get("result")
    warning_signs = result.get("warning_signs") if isinstance(result, Mapping) else None
    if not isinstance(warning_signs, int) or isinstance(warning_signs, bool) or warning_signs < 1:
        problems.append((line_of("result"), "`result.warning_signs` must be a whole number, 1 or more"))
    if problems:
        return None, problems
    return Screening(tuple(indicators), questions, situations, warning_signs), []


def item_ids(screening: Screening) -> set[str]:
    """Every content item the check needs in each language."""
    ids = {"screening.start", "screening.who", "screening.use_buttons", "screening.stopped",
           "screening.expired",
           "screening.found", "screening.unsure", "screening.not_legal", "screening.calling"}
    ids |= {f"screening.{part}.{who}" for part in ("kind", "where") for who in WHO}
    ids |= {f"screening.result.{tier}.{who}" for tier in TIERS for who in WHO}
    for qid in screening.questions:
        ids |= {f"screening.q.{qid}.{who}" for who in WHO} | {f"screening.sign.{qid}"}
    return ids
