"""The parts of the hand-off that need no Telegram: opening hours, request and stop words, the
settings check, and the case store on SQLite and PostgreSQL (metadata only, the chat encrypted)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from bot.handoff import Hours, asks_for_person, is_stop
from bot.handoff.cases import CaseStore
from bot.handoff.desk import handoff_problem
from bot.settings import Settings
from bot.storage import UserStore, make_engine

PP = dt.timezone(dt.timedelta(hours=7))
LABELS = {"day.mon": "Mon", "day.tue": "Tue", "day.wed": "Wed", "day.thu": "Thu", "day.fri": "Fri",
          "day.sat": "Sat", "day.sun": "Sun", "handoff.always": "always"}


def test_hours_say_when_someone_is_there():
    hours = Hours.parse("mon-fri 08:00-17:00, sat 08:00-12:00")
    assert hours.open_at(dt.datetime(2026, 12, 7, 9, 30, tzinfo=PP))  # a Monday
    assert not hours.open_at(dt.datetime(2026, 12, 7, 17, 0, tzinfo=PP))
    assert hours.open_at(dt.datetime(2026, 12, 12, 11, 59, tzinfo=PP))  # Saturday morning
    assert not hours.open_at(dt.datetime(2026, 12, 13, 10, 0, tzinfo=PP))  # Sunday
    # 02:00 UTC is 09:00 in Phnom Penh
    assert hours.open_at(dt.datetime(2026, 12, 8, 2, 0, tzinfo=dt.timezone.utc))
    assert hours.describe(LABELS) == "Mon–Fri 08:00–17:00, Sat 08:00–12:00"
    assert Hours.parse("24/7").open_at() and Hours.parse("24/7").describe(LABELS) == "always"
    assert Hours.parse("fri-mon 20:00-23:00").spans[0].days == (4, 5, 6, 0)


@pytest.mark.parametrize("bad", ["weekdays 8-5", "mon-fri", "xyz 08:00-17:00"])
def test_hours_an_operator_mistyped_are_refused_with_the_right_form(bad):
    with pytest.raises(ValueError, match="mon-fri 08:00-17:00"):
        Hours.parse(bad)


@pytest.mark.parametrize("words", ["I want to talk to someone", "can I speak to a real person?",
                                   "ខ្ញុំចង់និយាយជាមួយមនុស្ស", "我想找人工", "有没有真人", "counsellor please"])
def test_asking_for_a_person(words):
    assert asks_for_person(words)


@pytest.mark.parametrize("words", ["a counsellor at school told me this job is fake, and the agent wants "
                                   "my passport and 500 dollars before I go to Thailand next week",
                                   "what jobs are safe in Thailand?", "my manager is a real personality"])
def test_not_asking_for_a_person(words):
    assert not asks_for_person(words)


@pytest.mark.parametrize("words", ["stop", "STOP!", " Stop. ", "ឈប់", "停止", "停止。", "/stop"])
def test_stop_alone_ends_a_case(words):
    assert is_stop(words)


@pytest.mark.parametrize("words", ["they won't stop hitting me", "please stop them", "ឈប់ធ្វើការ", "停止工作了吗"])
def test_stop_in_a_sentence_does_not(words):
    assert not is_stop(words)


def test_the_settings_are_checked_before_serving(monkeypatch):
    assert handoff_problem(Settings()) is None  # no group: nothing to check
    monkeypatch.setenv("PRAYAT_HANDOFF_GROUP", "-1001234567890")
    assert "PRAYAT_HANDOFF_KEY" in handoff_problem(Settings())
    monkeypatch.setenv("PRAYAT_HANDOFF_KEY", "k" * 40)
    assert "PRAYAT_COUNSELLOR_IDS" in handoff_problem(Settings())
    monkeypatch.setenv("PRAYAT_COUNSELLOR_IDS", "900, 901")
    monkeypatch.setenv("PRAYAT_HANDOFF_HOURS", "every day")
    assert "PRAYAT_HANDOFF_HOURS" in handoff_problem(Settings())
    monkeypatch.setenv("PRAYAT_HANDOFF_HOURS", "mon-sat 07:30-19:00")
    assert handoff_problem(Settings()) is None
    assert Settings().counsellor_ids == {900, 901} and Settings().handoff_group == -1001234567890


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
def test_the_case_store_keeps_metadata_and_an_encrypted_chat_that_goes(request, db):
    if db == "postgres":
        request.applymarker(pytest.mark.postgres)
    url = request.getfixturevalue(f"{db}_url")
    engine = make_engine(url)
    UserStore(engine)  # migrates
    store = CaseStore(engine, "s" * 40)
    case, new = store.open_case("k" * 64, 987654321, "km", "urgent", 600, now=1000.0)
    assert new and store.open_case("k" * 64, 987654321, "km", "none", 600)[1] is False
    store.set_topic(case.code, 42)
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT chat FROM prayat_cases")).scalar()
    assert "987654321" not in raw, "the chat id is encrypted"
    assert store.by_topic(42).chat == 987654321
    assert CaseStore(engine, "another key" * 4).by_topic(42).chat is None  # another key reads nothing
    assert [c.code for c in store.reminders_due(now=1601.0)] == [case.code]
    assert store.claim(case.code, now=1300.0) == 5.0 and store.claim(case.code) is None
    assert store.reminders_due(now=9999.0) == []
    store.close(case.code, "referred", grace=60, now=2000.0)
    assert store.by_code(case.code).chat == 987654321, "kept for late replies"
    store.forget_due(now=2061.0)
    closed = store.by_code(case.code)
    assert (closed.chat, closed.closed, closed.outcome, closed.opened_at) == (None, True, "referred", None)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT chat, opened_at, active_at, remind_at, forget_at FROM prayat_cases")).first()
    assert tuple(row) == (None, None, None, None, None)
    assert store.of_person("k" * 64) is None
    store.erase("k" * 64)
    assert store.by_code(case.code) is None
    engine.dispose()
