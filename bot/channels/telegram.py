"""Telegram channel: python-telegram-bot's Application around the neutral dispatcher."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import (
    BotCommand,
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    WebAppInfo,
)
from telegram import error as tg_error
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes
from telegram.request import HTTPXRequest

from bot.channels import failures, startup, telegram_intake
from bot.channels.base import ChannelRegistry
from bot.channels.common import numbered, split_text
from bot.channels.failures import RecordingRequest
from bot.channels.intake import Intake, bot_id, stop_receiving
from bot.channels.parts import Part, Sender, send_parts
from bot.channels.telegram_limits import BACKGROUND, SendWindow
from handlers.router import Dispatcher
from messaging.labels import label
from messaging.messages import IncomingMessage, Reply
from messaging.render import render
from storage.intake import Receipt

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_LIMIT = 4096, 1024, 64
ID_LIMIT = 2**63 - 1  # Telegram's ids fit in 52 bits: a larger one is a malformed update
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
T = TypeVar("T")


def build_application(token: str, base_url: str, rate_retries: int = 3,
                      flood_limits: bool = True) -> Application[Any, Any, Any, Any, Any, Any]:
    """The PTB Application: configurable Bot API server, flood limits, bounded timeouts.

    `flood_limits=False` only for benchmarks measuring the handling cost alone.
    """
    file_url = base_url.removesuffix("/bot") + "/file/bot" if base_url.endswith("/bot") \
        else base_url
    builder = (Application.builder().token(token).base_url(base_url).base_file_url(file_url)
               .request(RecordingRequest(connection_pool_size=16, read_timeout=15,
                                         pool_timeout=5))
               .get_updates_request(HTTPXRequest(read_timeout=15)))
    if flood_limits:
        return builder.rate_limiter(SendWindow(max_retries=rate_retries)).build()
    return builder.build()


def to_incoming(update: Update) -> IncomingMessage | None:
    """A Telegram update as a neutral message; None for updates the bot ignores or cannot
    read (no sender, ids that are not Telegram's 64-bit numbers)."""
    key = _id(update.update_id)
    if (query := update.callback_query) is not None:
        return _pressed(query, key)
    message = update.message
    if key is None or message is None or message.chat is None or message.from_user is None \
            or message.from_user.is_bot:
        return None
    chat_id, user_id = _id(message.chat.id), _id(message.from_user.id)
    private = message.chat.type == ChatType.PRIVATE
    if chat_id is None or user_id is None or (not private and not _for_the_bot(message)):
        return None  # group chatter is not for the bot, even with privacy mode off
    photo = (_text(message.photo[-1].file_id) or None) if message.photo else None
    return IncomingMessage(
        channel=CHANNEL, chat_id=chat_id, user_id=user_id,
        text=_text(message.text) or _text(message.caption), photo=photo, sent_at=message.date,
        update_key=key, private=private, user_name=_text(message.from_user.full_name) or None)


def _pressed(query: CallbackQuery, key: str | None) -> IncomingMessage | None:
    """A button press; in its message's chat, or the presser's own for inline messages."""
    user_id = _id(query.from_user.id) if query.from_user is not None else None
    chat: Chat | None = None
    if query.message is None:  # a button under an inline message
        chat_id = user_id
    elif (chat := query.message.chat) is not None:
        chat_id = _id(chat.id)
    else:
        chat_id = None
    if key is None or user_id is None or chat_id is None:
        return None
    return IncomingMessage(
        channel=CHANNEL, chat_id=chat_id, user_id=user_id, button=_text(query.data),
        update_key=key, private=chat is None or chat.type == ChatType.PRIVATE,
        user_name=_text(query.from_user.full_name) or None)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Inline buttons (and the Mini App's); None when there are none or a callback would
    exceed 64 bytes."""
    if reply.web_app:
        return InlineKeyboardMarkup([[InlineKeyboardButton(
            label("web_app"), web_app=WebAppInfo(reply.web_app))]])
    if not reply.buttons or any(len(b.data.encode()) > CALLBACK_LIMIT
                                for b in reply.flat_buttons()):
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)
                                  for b in row] for row in reply.buttons])


def commands() -> list[BotCommand]:
    """The command menu, from templates/telegram_commands.j2 ('name - description' lines)."""
    lines = [line.partition(" - ") for line in render("telegram_commands").splitlines()]
    return [BotCommand(name.strip(), text.strip()) for name, _, text in lines if text]


class TelegramChannel:
    """Polls (or takes webhook updates) into the intake, answers each stored update through
    the dispatcher, sends the replies."""

    name = CHANNEL

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any],
                 dispatcher: Dispatcher, registry: ChannelRegistry,
                 webhook: tuple[str, str] | None = None, poll_timeout: int = 30,
                 send_attempts: int = 3, backoff: float = 0.5,
                 intake: Intake | None = None) -> None:
        self.application, self.dispatcher, self.registry = application, dispatcher, registry
        self.webhook, self.poll_timeout = webhook, poll_timeout
        self.sender = Sender(CHANNEL, attempts=send_attempts, backoff=backoff,
                             waits_out_429=False)
        self.background = startup.Background(CHANNEL, transient)
        self.intake = intake
        self._poller: asyncio.Task[None] | None = None
        application.add_error_handler(self.on_error)

    async def start(self, receive: bool = True) -> None:
        """Check the token, then poll, or take webhook updates; the command menu and the
        webhook are set in the background (a failing `setMyCommands` never stops the bot).

        `receive=False` (for `digest send` beside a running bot) only checks the token: no
        polling (Telegram allows one poller) and the running bot's webhook is left alone.
        """
        await startup.required(CHANNEL, "getMe", self.application.initialize, transient)
        bot = self.application.bot
        if not receive:
            log.info("telegram bot ready id=%s mode=send-only", bot.id)
            return
        intake = self.intake = self.intake or Intake(self.dispatcher.db, CHANNEL,
                                                     bot_id(bot.token))
        if self.webhook is None:
            await startup.required(CHANNEL, "deleteWebhook", bot.delete_webhook, transient)
            self._poller = asyncio.create_task(telegram_intake.poll(
                bot, intake, self.poll_timeout, ALLOWED_UPDATES), name="telegram-poll")
        intake.start(self, self.registry)
        await self.application.start()
        self.background.run("setMyCommands", lambda: bot.set_my_commands(commands()))
        if self.webhook:
            url, secret = self.webhook
            self.background.run("setWebhook", lambda: bot.set_webhook(
                url, secret_token=secret, allowed_updates=ALLOWED_UPDATES))
        log.info("telegram bot ready id=%s mode=%s", bot.id, "webhook" if self.webhook else "poll")

    async def stop(self) -> None:
        """Stop the background start-up calls and polling, answer what is stored (up to
        5 s), stop the Application."""
        await stop_receiving(self.background, self._poller, self.intake, self.sender.later)
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def receive(self, data: dict[str, Any]) -> None:
        """An update from the webhook: stored before the web server answers 200.

        One without an update id is refused (ValueError: the web server answers 400).
        """
        key = telegram_intake.update_id(data)
        if key is None or self.intake is None:
            raise ValueError("malformed update: no update id")
        await self.intake.store([(str(key), data)])

    def read(self, payload: dict[str, Any]) -> Update:
        """A stored update parsed on its own; raises when it cannot be (set aside)."""
        return telegram_intake.parse(payload, self.application.bot)

    async def answer(self, update: Update, receipt: Receipt) -> tuple[str, list[Reply]] | None:
        """Answer the button spinner, run the dispatcher: the chat and its replies."""
        query = update.callback_query
        if query is not None and _text(query.id):  # a null id would go out as no id at all
            await self._try(query.answer)
        incoming = to_incoming(update)
        if incoming is None:
            return None
        return incoming.chat_id, await self.dispatcher.handle(incoming, receipt)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log PTB errors by type only (messages can carry URLs, hence the token)."""
        key = update.update_id if isinstance(update, Update) else None
        log.error("telegram error update=%s error=%s", key, type(context.error).__name__)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send a reply: text first, then the chart and the file (bot/channels/parts.py);
        raises NotSent (RetryAfter, RecipientGone) when nothing went, else MaybeDelivered."""
        await send_parts(self.sender, self._parts(chat_id, reply))

    def _parts(self, chat_id: str, reply: Reply) -> list[Part]:
        """Text in pieces under 4,096 characters (inline buttons on the last), then the
        photo, then the file: a failing chart never holds back the text."""
        bot, markup = self.application.bot, keyboard(reply)
        text = reply.text if markup or not reply.buttons else numbered(reply)
        pieces = [piece for piece in split_text(text, TEXT_LIMIT) if piece.strip()]
        limits = {"rate_limit_args": BACKGROUND} if reply.to is not None else {}
        parts = [self._part("sendMessage", functools.partial(
            bot.send_message, chat_id, piece,
            reply_markup=markup if number == len(pieces) else None, **limits))
            for number, piece in enumerate(pieces, start=1)]
        if reply.image is not None:
            parts.append(self._part("sendPhoto", functools.partial(
                bot.send_photo, chat_id, reply.image, **limits), optional=bool(parts)))
        if reply.document is not None:
            name, content = reply.document
            parts.append(self._part("sendDocument", functools.partial(
                bot.send_document, chat_id, content, filename=name, **limits),
                optional=bool(parts)))
        return parts

    def _part(self, method: str, send: Callable[[], Awaitable[Any]],
              optional: bool = False) -> Part:
        async def call() -> Any:
            with failures.recording() as answers:
                try:
                    return await send()
                except Exception as error:
                    raise failures.from_telegram(method, error, answers) from error
        return Part(method, call, optional)

    async def _try(self, call: Callable[[], Awaitable[Any]]) -> None:
        try:
            await call()
        except TelegramError as error:
            log.warning("telegram call failed error=%s", type(error).__name__)


def _for_the_bot(message: Message) -> bool:
    """In a group: a command, or an answer to one of the bot's messages."""
    replied = message.reply_to_message
    from_bot = replied is not None and replied.from_user is not None and replied.from_user.is_bot
    return _text(message.text).startswith("/") or from_bot


def _id(value: object) -> str | None:
    """A Telegram id (update, chat, user) as text; None when it is not a 64-bit number."""
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > ID_LIMIT:
        return None
    return str(value)


def _text(value: object) -> str:
    """A text field as sent; a value of another type (a malformed update) counts as none."""
    return value if isinstance(value, str) else ""


def transient(error: BaseException) -> bool:
    """A start-up call worth trying again: no answer, a 5xx or a 429 (not a refusal)."""
    return isinstance(error, NetworkError | tg_error.RetryAfter) \
        and not isinstance(error, BadRequest)
