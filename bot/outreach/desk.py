"""Outreach in Telegram: the quiz in a private chat (/quiz), and community sessions in a group
(/session), run by an outreach worker listed in PRAYAT_ADMIN_IDS.

A session is a slide show, not a conversation: the worker presses "Next" to show each card
(content/outreach.yml `session:`), quiz questions go out as Telegram quiz polls (the right answer
and the explanation are shown by Telegram itself after answering), and the last card is the
hotline card for the area the worker chose. The bot never repeats anyone's answer in the group;
the worker gets counts, privately. Quiz polls in a group are anonymous: nobody in the group, the
bot included, sees who answered what; the summary counts the votes Telegram reports per option.
Sessions and quizzes are held in memory while they run (a restart ends them); nothing about a
participant is written anywhere.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from telegram import Poll, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    PollAnswerHandler,
    PollHandler,
    filters,
)

from bot.channels.keyboards import keyboard
from bot.content import render
from bot.core.language import resolve
from bot.core.prayat import Prayat
from bot.outreach.cards import CardCache
from bot.storage import user_key

logger = logging.getLogger(__name__)

_AREA = re.compile(r'^/session_area\{"area":\s*"(\w+)"\}$')
LANGS = ("km", "en", "zh")


@dataclass
class Quiz:
    chat_id: int
    lang: str
    questions: list[str]
    index: int = 0
    right: int = 0


@dataclass
class Session:
    chat_id: int
    worker: int  # the worker's Telegram id: only they advance it, and they get the summary
    lang: str
    area: str | None = None
    step: int = -1
    answered: Counter = field(default_factory=Counter)  # votes per question (anonymous polls)
    wrong: Counter = field(default_factory=Counter)
    asked: list[str] = field(default_factory=list)
    polls: list[str] = field(default_factory=list)

    @property
    def participants(self) -> int:
        """At least this many people answered: the most votes any one question got."""
        return max(self.answered.values(), default=0)


class OutreachDesk:
    def __init__(self, prayat: Prayat, cards: CardCache, staff_ids: frozenset[int]) -> None:
        self.prayat = prayat
        self.cards = cards
        self.staff_ids = staff_ids
        self.quizzes: dict[int, Quiz] = {}
        self.sessions: dict[int, Session] = {}
        self.polls: dict[str, tuple[str, int, str]] = {}  # poll id -> (kind, chat id, question)

    def handlers(self) -> list:
        return [
            CommandHandler("quiz", self.on_quiz, filters=filters.ChatType.PRIVATE),
            CommandHandler("session", self.on_session),
            CallbackQueryHandler(self.on_button, pattern=r"^/(quiz|session_next|session_area)"),
            PollAnswerHandler(self.on_poll_answer),
            PollHandler(self.on_poll),
        ]

    @property
    def library(self):
        return self.prayat.content.library

    async def _language(self, update: Update, requested: str | None = None) -> str:
        user = update.effective_user
        if requested in LANGS:
            return requested
        if user is None:
            return resolve(None, None, None)
        person = await self.prayat.users.lookup(user_key(self.prayat.pepper, f"telegram:{user.id}"))
        return resolve(None, person.language, user.language_code)

    async def _say(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, item: str, lang: str,
                   extra: str = "", buttons: list | None = None) -> None:
        reply = render(self.library, item, lang)
        await context.bot.send_message(chat_id, reply["text"] + extra, reply_markup=keyboard(
            reply["buttons"] if buttons is None else buttons))

    def _next_button(self, lang: str) -> list[dict[str, str]]:
        button = self.library.buttons["session.next"]
        return [{"title": self.library.button_title("session.next", lang), "payload": button.payload}]

    async def _poll(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, question: str,
                    lang: str, kind: str, buttons: list | None = None) -> str:
        words = self.library.quiz[lang][question]
        message = await context.bot.send_poll(
            chat_id, str(words["question"]), [str(o) for o in words["options"]],
            is_anonymous=kind == "session", type=Poll.QUIZ,
            correct_option_ids=[self.library.outreach.quiz[question]],
            explanation=str(words["explanation"]), reply_markup=keyboard(buttons or []))
        self.polls[message.poll.id] = (kind, chat_id, question)
        return message.poll.id

    # -- the quiz, in a private chat ---------------------------------------------------------

    async def on_quiz(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if update.callback_query:
            await update.callback_query.answer()
        if chat is None or chat.type != "private" or self.library.outreach is None:
            return
        lang = await self._language(update)
        quiz = Quiz(chat.id, lang, list(self.library.outreach.quiz))
        self.quizzes[chat.id] = quiz
        await context.bot.send_message(chat.id, str(self.library.quiz[lang]["intro"]["text"]))
        await self._poll(context, chat.id, quiz.questions[0], lang, "quiz")
        await self.prayat.users.count("outreach", ["quiz"], lang)

    async def _quiz_answer(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, question: str,
                           right: bool) -> None:
        quiz = self.quizzes.get(chat_id)
        if quiz is None or quiz.questions[quiz.index] != question:
            return  # an old poll from an earlier quiz
        quiz.right += right
        quiz.index += 1
        if quiz.index < len(quiz.questions):
            await self._poll(context, chat_id, quiz.questions[quiz.index], quiz.lang, "quiz")
            return
        del self.quizzes[chat_id]
        for poll in [p for p, (_, chat, _) in self.polls.items() if chat == chat_id]:
            del self.polls[poll]
        score = str(self.library.quiz[quiz.lang]["score"]["text"]).format(
            right=quiz.right, total=len(quiz.questions))
        reply = render(self.library, "welcome.menu", quiz.lang)
        await context.bot.send_message(chat_id, score, reply_markup=keyboard(reply["buttons"]))

    # -- community sessions, in a group ------------------------------------------------------

    async def on_session(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None or self.library.outreach is None:
            return
        lang = await self._language(update, (context.args or [None])[0])
        if user.id not in self.staff_ids:
            # In a group the bot answers only the outreach worker: a refusal there would be a
            # message to everyone.
            if chat.type == "private":
                await self._say(context, chat.id, "admin.refused", lang, buttons=[])
            return
        if chat.type == "private":
            await self._say(context, chat.id, "outreach.session_in_groups", lang)
            return
        self.sessions[chat.id] = Session(chat.id, user.id, lang)
        await self._say(context, chat.id, "outreach.session_area", lang)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        data = query.data or ""
        if data == "/quiz":
            await self.on_quiz(update, context)
            return
        chat = update.effective_chat
        session = self.sessions.get(chat.id) if chat else None
        await query.answer()
        if session is None and chat is not None and chat.type == "private":
            # A forged or stale session button in a private chat: say it is old, as for any button.
            lang = await self._language(update, None)
            await self._say(context, chat.id, "fallback.bad_button", lang)
            return
        if session is None or update.effective_user is None or \
                update.effective_user.id != session.worker:
            return  # only the worker running the session moves it on
        area = _AREA.match(data)
        if area and session.area is None and area.group(1) in self.library.outreach.hotline_cards:
            session.area = area.group(1)
            await self.prayat.users.count("outreach", ["session"], session.lang)
            await self._step(context, session)
        elif data == "/session_next" and session.area is not None:
            await self._step(context, session)

    async def _step(self, context: ContextTypes.DEFAULT_TYPE, session: Session) -> None:
        session.step += 1
        steps = self.library.outreach.session
        if session.step >= len(steps):
            return
        kind, ref = steps[session.step]
        last = session.step == len(steps) - 1
        buttons = [] if last else self._next_button(session.lang)
        if kind == "card":
            await self._card(context, session.chat_id, ref, session.lang, buttons)
        elif kind == "quiz":
            session.asked.append(ref)
            session.polls.append(
                await self._poll(context, session.chat_id, ref, session.lang, "session", buttons))
        else:
            await self._card(context, session.chat_id, f"hotline.{session.area}", session.lang, [])
            await self._say(context, session.chat_id, "outreach.session_end", session.lang)
        if last:
            await self._summary(context, session)
            del self.sessions[session.chat_id]
            for poll in session.polls:
                self.polls.pop(poll, None)

    async def _card(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, card: str, lang: str,
                    buttons: list) -> None:
        path = self.cards.path(self.library, card, lang)
        caption = str(self.library.card_texts[lang][card]["title"])
        with path.open("rb") as photo:
            await context.bot.send_photo(chat_id, photo, caption=caption,
                                         reply_markup=keyboard(buttons))

    async def _summary(self, context: ContextTypes.DEFAULT_TYPE, session: Session) -> None:
        """Counts only, sent to the worker privately: how many took part, which questions were
        missed most, in which language."""
        labels = self.library.labels[session.lang]
        lines = [labels["summary.participants"].format(count=session.participants),
                 labels["summary.questions"].format(count=len(session.asked))]
        missed = [q for q, n in session.wrong.most_common(3) if n]
        if missed:
            lines.append(labels["summary.missed"])
            for question in missed:
                lines.append("• " + labels["summary.missed_line"].format(
                    question=self.library.quiz[session.lang][question]["question"],
                    wrong=session.wrong[question], answered=session.answered[question]))
        lines.append(labels["summary.language"].format(language=labels[f"lang.{session.lang}"]))
        try:
            await self._say(context, session.worker, "outreach.summary", session.lang,
                            extra="\n\n" + "\n".join(lines), buttons=[])
        except Exception as error:  # noqa: BLE001 - the worker may never have opened a chat
            logger.warning("Session summary not delivered to the worker: %s", error)

    # -- answers to quiz polls -----------------------------------------------------------------

    async def on_poll_answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """An answer to a private quiz poll (not anonymous, so the quiz can move on)."""
        answer = update.poll_answer
        if answer is None or answer.poll_id not in self.polls:
            return
        kind, chat_id, question = self.polls[answer.poll_id]
        if kind == "quiz":
            right = list(answer.option_ids) == [self.library.outreach.quiz.get(question)]
            await self._quiz_answer(context, chat_id, question, right)

    async def on_poll(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """New vote counts of a group session's anonymous poll: how many answered, how many
        missed. Telegram sends only numbers here, never who voted."""
        poll = update.poll
        if poll is None or poll.id not in self.polls:
            return
        kind, chat_id, question = self.polls[poll.id]
        session = self.sessions.get(chat_id)
        if kind != "session" or session is None:
            return
        right = self.library.outreach.quiz.get(question, -1)
        votes = [option.voter_count for option in poll.options]
        session.answered[question] = poll.total_voter_count
        session.wrong[question] = poll.total_voter_count - (votes[right] if 0 <= right < len(votes)
                                                            else 0)
