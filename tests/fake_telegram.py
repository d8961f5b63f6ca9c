"""A fake Telegram Bot API on loopback, for tests and the benchmark.

The real python-telegram-bot Application talks to it over HTTP through `base_url`, so the bot's
whole network path runs as in production. It implements the methods Prayat calls, queues the
updates a test "sends" for getUpdates (long polling), and records everything the bot sent.

After setWebhook it delivers the updates instead as Telegram does: POSTed to the webhook one at a
time and in order, with the X-Telegram-Bot-Api-Secret-Token header (and getUpdates answers 409).
`deliver_to` sends them somewhere else, such as a TLS proxy in front of the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import json
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

TOKEN = "123456:TEST-token-for-the-fake-bot-api"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Prayat", "username": "prayat_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False,
            "supports_inline_queries": False}
_JSON_FIELDS = {"reply_markup", "options", "correct_option_ids", "allowed_updates", "link_preview_options", "entities",
                "reply_parameters", "commands"}


# Forum topic ids, unique across the fake servers of a test run (as in one real group).
_THREAD_IDS = itertools.count(7)


@dataclass
class Sent:
    """One call the bot made, such as sendMessage."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def thread(self) -> int | None:
        """The forum topic it went to, if any."""
        value = self.params.get("message_thread_id")
        return int(value) if value not in (None, "") else None

    @property
    def buttons(self) -> list[dict[str, str]]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # noqa: BLE001 - not an image: Telegram would still say some size
        return 640, 480


# A 1×1 white PNG: a photo whose content does not matter to the test.
_PLACEHOLDER_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010800000000"
    "3a7e9b550000000a49444154789c6360000000020001e221bc330000000049454e44ae426082")


class FakeBotAPI:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.sent: list[Sent] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._new_update = asyncio.Event()
        self._new_sent = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Failure injection: answer the next N sendMessage calls with 429 retry_after.
        self.throttle_next = 0
        # Every message sent, by the bot or a test's user: (chat id, message id) -> the message,
        # so that copyMessage knows what it copies.
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        # Forum topics made by the bot: thread id -> {"chat", "name", "closed"}.
        self.topics: dict[int, dict[str, Any]] = {}
        self._thread_ids = _THREAD_IDS
        self.forum_groups: set[int] = set()  # chats that are forums (createForumTopic works there)
        self.blocked: set[int] = set()  # chats that blocked the bot (403 on sending to them)
        # Files a test's user sent (photos, documents): file id -> bytes, served by getFile and the
        # file download path as Telegram does; `downloads` counts what the bot fetched.
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []
        self.chat_actions: list[tuple[int, str]] = []  # "typing" while a picture is read
        self._file_ids = itertools.count(1)
        # Webhook mode: what setWebhook registered, and each delivery attempt (update_id, the HTTP
        # status, 0 for no answer). `deliver_to` changes where updates go, not the secret sent.
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.deliveries: list[tuple[int, int]] = []
        self._target: str | None = None
        self._target_ssl: ssl.SSLContext | None = None
        self._delivery: asyncio.Task[None] | None = None
        self._closing = False

    # -- server ------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        app.router.add_get("/bot{token}/{method}", self._dispatch)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base_url

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        self._closing = True  # ends the webhook delivery, even where a cancel would be lost
        self._new_update.set()  # release a pending long poll so it ends cleanly
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
        await asyncio.sleep(0)
        if self._runner:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str) and key in _JSON_FIELDS:
                params[key] = json.loads(value)
            else:
                params[key] = value
        return params

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404,
                                      "description": f"fake API has no {method}"}, status=404)
        return await handler(params)

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.Response(status=401)
        file_id = request.match_info["path"].split("/")[-1]
        if file_id not in self.files:
            return web.Response(status=404)
        self.downloads.append(file_id)
        return web.Response(body=self.files[file_id])

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    # -- API methods -------------------------------------------------------------------------

    async def api_getMe(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        return self._ok(BOT_USER)

    async def api_getFile(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": "Bad Request: invalid file_id"}, status=400)
        return self._ok({"file_id": file_id, "file_unique_id": f"u-{file_id}",
                         "file_size": len(self.files[file_id]), "file_path": f"files/{file_id}"})

    async def api_sendChatAction(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        self.chat_actions.append((int(params["chat_id"]), str(params.get("action"))))
        return self._ok(True)

    async def api_deleteWebhook(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        self.webhook_url = self.webhook_secret = None  # back to getUpdates
        return self._ok(True)

    async def api_setWebhook(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        self.sent.append(Sent("setWebhook", params))
        self.webhook_url = str(params.get("url") or "") or None  # an empty url removes it
        self.webhook_secret = str(params.get("secret_token") or "") or None
        if self.webhook_url and (self._delivery is None or self._delivery.done()):
            self._delivery = asyncio.create_task(self._deliver_webhooks())
        return self._ok(True)

    async def api_getUpdates(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        if self.webhook_url:
            return web.json_response({"ok": False, "error_code": 409, "description":
                                      "Conflict: can't use getUpdates method while webhook is active; "
                                      "use deleteWebhook to delete the webhook first"}, status=409)
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and timeout:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), min(timeout, 1.0))
            except asyncio.TimeoutError:
                pass
        limit = int(params.get("limit") or 100)
        return self._ok(self.updates[:limit])

    async def api_sendMessage(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        if self.throttle_next > 0:
            self.throttle_next -= 1
            return web.json_response({"ok": False, "error_code": 429,
                                      "description": "Too Many Requests: retry after 1",
                                      "parameters": {"retry_after": 1}}, status=429)
        return self._record_message("sendMessage", params)

    async def api_sendPhoto(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        return self._record_message("sendPhoto", params)

    async def api_sendVoice(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        return self._record_message("sendVoice", params)

    async def api_sendPoll(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        sent = Sent("sendPoll", params)
        self.sent.append(sent)
        self._new_sent.set()
        options = params.get("options") or []
        poll = {"id": f"poll-{next(self._message_ids)}", "question": params.get("question"),
                "options": [{"text": o if isinstance(o, str) else o.get("text"), "voter_count": 0,
                             "persistent_id": str(i)} for i, o in enumerate(options)],
                "total_voter_count": 0, "is_closed": False,
                "is_anonymous": params.get("is_anonymous") in (True, "true", "True"),
                "type": params.get("type", "regular"), "allows_multiple_answers": False,
                "allows_revoting": False, "members_only": False,
                "correct_option_ids": list(params.get("correct_option_ids") or [])}
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": sent.chat_id, "type": "private"}, "from": BOT_USER, "poll": poll}
        sent.params["poll_id"] = poll["id"]
        return self._ok(message)

    async def api_answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        self.sent.append(Sent("answerCallbackQuery", params))
        return self._ok(True)

    def _record_message(self, method: str, params: dict[str, Any]) -> web.Response:
        if params.get("chat_id") is not None and int(params["chat_id"]) in self.blocked:
            return web.json_response({"ok": False, "error_code": 403,
                                      "description": "Forbidden: bot was blocked by the user"},
                                     status=403)
        sent = Sent(method, params)
        self.sent.append(sent)
        self._new_sent.set()
        chat = {"id": sent.chat_id, "type": "private"}
        if sent.chat_id in self.forum_groups:
            chat = {"id": sent.chat_id, "type": "supergroup", "title": "Counsellors", "is_forum": True}
        message = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": chat, "from": BOT_USER,
            "text": sent.text,
        }
        if sent.thread is not None:
            message.update(message_thread_id=sent.thread, is_topic_message=True)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(sent.chat_id, message["message_id"])] = message
        return self._ok(message)

    async def api_copyMessage(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        """Copies the message's text (or caption, or photo) as the bot's own, with no link to
        the sender: what Telegram does."""
        original = self.messages.get((int(params["from_chat_id"]), int(params["message_id"])))
        if original is None:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": "Bad Request: message to copy not found"}, status=400)
        if int(params["chat_id"]) in self.blocked:
            return web.json_response({"ok": False, "error_code": 403,
                                      "description": "Forbidden: bot was blocked by the user"}, status=403)
        copied = {k: original[k] for k in ("text", "caption", "photo") if k in original}
        sent = Sent("copyMessage", {**params, **copied})
        self.sent.append(sent)
        self._new_sent.set()
        message_id = next(self._message_ids)
        self.messages[(sent.chat_id, message_id)] = {"message_id": message_id, **copied}
        return self._ok({"message_id": message_id})

    async def api_createForumTopic(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        chat = int(params["chat_id"])
        if chat not in self.forum_groups:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": "Bad Request: the chat is not a forum"}, status=400)
        thread = next(self._thread_ids)
        self.topics[thread] = {"chat": chat, "name": params["name"], "closed": False}
        self.sent.append(Sent("createForumTopic", params))
        return self._ok({"message_thread_id": thread, "name": params["name"], "icon_color": 7322096})

    async def _topic_call(self, method: str, params: dict[str, Any], **change: Any) -> web.Response:
        thread = int(params["message_thread_id"])
        if thread not in self.topics:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": "Bad Request: TOPIC_ID_INVALID"}, status=400)
        self.topics[thread].update(change)
        self.sent.append(Sent(method, params))
        return self._ok(True)

    async def api_editForumTopic(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        return await self._topic_call("editForumTopic", params, name=params.get("name"))

    async def api_closeForumTopic(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        return await self._topic_call("closeForumTopic", params, closed=True)

    async def api_deleteForumTopic(self, params: dict[str, Any]) -> web.Response:  # noqa: N802
        response = await self._topic_call("deleteForumTopic", params)
        self.topics.pop(int(params["message_thread_id"]), None)
        return response

    # -- webhook delivery ----------------------------------------------------------------------

    def deliver_to(self, url: str, ssl_context: ssl.SSLContext | None = None) -> None:
        """POST the updates to `url` (with a TLS context that trusts its certificate) rather than
        to the registered webhook, as Telegram would reach a proxy in front of the bot."""
        self._target, self._target_ssl = url, ssl_context

    async def _deliver_webhooks(self, attempts: int = 20, retry_after: float = 0.25) -> None:
        """While a webhook is set: each queued update POSTed and answered before the next one.
        One not answered with 200 is tried again a few times (Telegram retries too), then dropped."""
        async with ClientSession(timeout=ClientTimeout(total=10)) as http:
            while self.webhook_url and not self._closing:
                if not self.updates:
                    self._new_update.clear()
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._new_update.wait(), 0.5)
                    continue
                update = self.updates[0]
                for _ in range(attempts):
                    status = await self._post_update(http, update)
                    self.deliveries.append((update["update_id"], status))
                    if status == 200 or self._closing:
                        break
                    await asyncio.sleep(retry_after)
                if self.updates and self.updates[0] is update:
                    self.updates.pop(0)

    async def _post_update(self, http: ClientSession, update: dict[str, Any]) -> int:
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        url = self._target or self.webhook_url or ""
        try:
            async with http.post(url, data=json.dumps(update), headers=headers,
                                 ssl=self._target_ssl if self._target_ssl is not None else True) as response:
                return response.status
        except (ClientError, asyncio.TimeoutError, OSError):
            return 0

    # -- what a test does --------------------------------------------------------------------

    def _push(self, update: dict[str, Any]) -> dict[str, Any]:
        update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        self._new_update.set()
        return update

    def push_raw(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update exactly as given (it gets the next update_id), even one the real
        Telegram would never send or that the bot's library cannot read."""
        return self._push(update)

    @staticmethod
    def _user(chat_id: int, language_code: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Test"}
        if language_code:
            user["language_code"] = language_code
        return user

    def _message(self, chat_id: int, language_code: str | None, **content: Any) -> dict:
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private"},
                   "from": self._user(chat_id, language_code), **content}
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def send_text(self, chat_id: int, text: str, language_code: str | None = None) -> dict:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self._push({"message": self._message(chat_id, language_code, text=text,
                                                    entities=entities)})

    def forward_text(self, chat_id: int, text: str, language_code: str | None = None) -> dict:
        """The person forwards someone else's message or post (such as a recruiter's ad)."""
        origin = {"type": "hidden_user", "sender_user_name": "Recruiter", "date": int(time.time())}
        return self._push({"message": self._message(chat_id, language_code, text=text,
                                                    forward_origin=origin)})

    def _file(self, data: bytes) -> str:
        file_id = f"file-{next(self._file_ids)}"
        self.files[file_id] = data
        return file_id

    def send_photo(self, chat_id: int, caption: str | None, language_code: str | None = None,
                   image: bytes | None = None, forwarded: bool = False) -> dict:
        """A photo (the image's bytes, or a small placeholder), with a caption or none. Telegram
        sends each photo in several sizes; the largest is the image itself."""
        data = image if image is not None else _PLACEHOLDER_PNG
        width, height = _png_size(data)
        photo = [{"file_id": self._file(data), "file_unique_id": f"t{next(self._file_ids)}",
                  "width": max(1, width // 4), "height": max(1, height // 4)},
                 {"file_id": self._file(data), "file_unique_id": f"p{next(self._file_ids)}",
                  "width": width, "height": height, "file_size": len(data)}]
        extra: dict[str, Any] = {"caption": caption} if caption is not None else {}
        if forwarded:
            extra["forward_origin"] = {"type": "hidden_user", "sender_user_name": "Recruiter",
                                       "date": int(time.time())}
        return self._push({"message": self._message(chat_id, language_code, photo=photo, **extra)})

    def send_document(self, chat_id: int, data: bytes, file_name: str, mime_type: str,
                      caption: str | None = None, language_code: str | None = None) -> dict:
        """A file, such as an image sent uncompressed ("send as file") or a PDF."""
        document = {"file_id": self._file(data), "file_unique_id": f"d{next(self._file_ids)}",
                    "file_name": file_name, "mime_type": mime_type, "file_size": len(data)}
        extra = {"caption": caption} if caption is not None else {}
        return self._push({"message": self._message(chat_id, language_code, document=document, **extra)})

    def edit_text(self, chat_id: int, text: str, language_code: str | None = None) -> dict:
        """The person edits an earlier message of theirs."""
        message = self._message(chat_id, language_code, text=text, edit_date=int(time.time()))
        return self._push({"edited_message": message})

    def send_sticker(self, chat_id: int, language_code: str | None = None) -> dict:
        sticker = {"file_id": "sticker-1", "file_unique_id": "s1", "type": "regular",
                   "width": 512, "height": 512, "is_animated": False, "is_video": False}
        return self._push({"message": self._message(chat_id, language_code, sticker=sticker)})

    def send_location(self, chat_id: int, language_code: str | None = None) -> dict:
        location = {"latitude": 11.56, "longitude": 104.92}
        return self._push({"message": self._message(chat_id, language_code, location=location)})

    def press_button(self, chat_id: int, data: str, language_code: str | None = None) -> dict:
        """Press an inline button under the bot's last message to this chat."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER, "text": "…"}
        query = {"id": str(next(self._update_ids) * 7919), "chat_instance": str(chat_id),
                 "from": self._user(chat_id, language_code), "message": message, "data": data}
        return self._push({"callback_query": query})

    def messages_to(self, chat_id: int, thread: int | None = None) -> list[Sent]:
        """What the bot sent to a chat (copies included); with `thread`, to that forum topic.

        Indexed by chat as calls come in: the benchmark's fifty users each look after every
        reply, and scanning every call each time made the fake, not the bot, the cost."""
        index = self.__dict__.setdefault("_sent_by_chat", {})
        seen = self.__dict__.get("_sent_indexed", 0)
        for sent in self.sent[seen:]:
            if sent.method in ("sendMessage", "sendPhoto", "sendPoll", "sendVoice", "copyMessage"):
                index.setdefault(sent.chat_id, []).append(sent)
        self.__dict__["_sent_indexed"] = len(self.sent)
        return [s for s in index.get(chat_id, []) if thread is None or s.thread == thread]

    # -- a forum supergroup (the counsellors' group) ----------------------------------------------

    def _forum_chat(self, group_id: int) -> dict[str, Any]:
        return {"id": group_id, "type": "supergroup", "title": "Counsellors", "is_forum": True}

    def send_topic_text(self, group_id: int, user_id: int, thread: int | None, text: str) -> dict:
        """A member writes in a topic of the forum group (thread None: its General topic)."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self._forum_chat(group_id), "from": self._user(user_id, None),
                   "text": text}
        if thread is not None:
            message.update(message_thread_id=thread, is_topic_message=True)
        self.messages[(group_id, message["message_id"])] = message
        return self._push({"message": message})

    def press_topic_button(self, group_id: int, user_id: int, data: str) -> dict:
        """A member of the forum group presses one of the bot's buttons there."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self._forum_chat(group_id), "from": BOT_USER, "text": "…"}
        query = {"id": str(next(self._update_ids) * 7919), "chat_instance": str(group_id),
                 "from": self._user(user_id, None), "message": message, "data": data}
        return self._push({"callback_query": query})

    def send_group_text(self, group_id: int, user_id: int, text: str,
                        language_code: str | None = None) -> dict:
        """A member of a group writes in it (a command, or just chatting)."""
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": group_id, "type": "group", "title": "Village session"},
                   "from": self._user(user_id, language_code), "text": text, "entities": entities}
        return self._push({"message": message})

    def press_group_button(self, group_id: int, user_id: int, data: str) -> dict:
        """Someone in a group presses an inline button under the bot's last message there."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": group_id, "type": "group", "title": "Village session"},
                   "from": BOT_USER, "text": "…"}
        query = {"id": str(next(self._update_ids) * 7919), "chat_instance": str(group_id),
                 "from": self._user(user_id, None), "message": message, "data": data}
        return self._push({"callback_query": query})

    def poll_results(self, poll_id: str, votes: list[int], correct: int) -> dict:
        """New vote counts of an (anonymous) poll: Telegram sends numbers, never who voted."""
        poll = {"id": poll_id, "question": "…", "total_voter_count": sum(votes),
                "options": [{"text": f"option {i}", "voter_count": n, "persistent_id": str(i)}
                            for i, n in enumerate(votes)],
                "is_closed": False, "is_anonymous": True, "type": "quiz",
                "allows_multiple_answers": False, "allows_revoting": False,
                "members_only": False, "correct_option_ids": [correct]}
        return self._push({"poll": poll})

    def answer_poll(self, poll_id: str, user_id: int, option: int) -> dict:
        """Someone answers a (non-anonymous) poll."""
        return self._push({"poll_answer": {"poll_id": poll_id, "user": self._user(user_id, None),
                                           "option_ids": [option],
                                           "option_persistent_ids": [str(option)]}})

    async def wait_for(self, chat_id: int, count: int, timeout: float = 30.0,
                       thread: int | None = None) -> list[Sent]:
        """Wait until the bot has sent `count` messages to the chat (or its topic `thread`);
        return them all."""
        deadline = time.monotonic() + timeout
        while len(self.messages_to(chat_id, thread)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                got = [s.text[:60] for s in self.messages_to(chat_id, thread)]
                raise AssertionError(f"chat {chat_id}: wanted {count} messages, got {got}")
            self._new_sent.clear()
            try:
                await asyncio.wait_for(self._new_sent.wait(), min(remaining, 0.5))
            except asyncio.TimeoutError:
                pass
        return self.messages_to(chat_id, thread)
