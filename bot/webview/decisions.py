"""Chờ duyệt: pending reports with Đồng ý / Không đồng ý (a reason asked), decided through
the chat's own handler (handlers/decisions.decide_or_undo), so the reporter and the officers
are told in the chat exactly as when deciding there."""

from __future__ import annotations

import logging

from bot.webview.base import Page
from domain.formatting import whole_number
from domain.roles import CAN_CONFIRM, Role
from handlers.context import Context
from handlers.decisions import decide_or_undo
from messaging.messages import IncomingMessage, Reply
from services import notices
from services.decisions import load_related, pending_in_scope
from services.digests import describe_change
from storage.conversations import IDLE
from storage.models import Conversation, User

log = logging.getLogger(__name__)
CHANNEL = "web"
SHOWN = 50


class PendingPage(Page):
    """/web/pending: what waits for this user's decision, oldest first."""

    async def get(self) -> None:
        """The list, each with its two buttons (a form each: no script needed)."""
        assert self.user is not None
        if Role(self.user.role) not in CAN_CONFIRM:
            self.show("forbidden", status=403)
            return
        async with self.site.db.session() as session:
            pending = await pending_in_scope(session, self.user, SHOWN)
            related = await load_related(session, pending.oldest)
            items = [(c, await describe_change(session, c)) for c in pending.oldest]
            del related
        self.show("pending", items=items, count=pending.count, done=self.get_argument("done", ""))


class DecidePage(Page):
    """POST /web/pending/<id>: decision ok, or no with a reason."""

    async def post(self, change_id: str) -> None:
        """Decide as in the chat, commit, then send the chat notifications."""
        assert self.user is not None
        number, confirm = whole_number(change_id), self.get_body_argument("decision", "") == "ok"
        reason = self.get_body_argument("reason", "").strip()[:500]
        if number is None or (not confirm and len(reason) < 2):
            self.show("reason_needed", status=400, change_id=change_id)
            return
        now = self.site.clock()
        message = IncomingMessage(CHANNEL, f"web:{self.user.id}", f"user:{self.user.login}",
                                  sent_at=now)
        async with self.site.db.transaction() as session:
            user = await session.get(User, self.user.id)
            ctx = Context(session, message, user, _no_conversation(message),
                          self.site.cal.today(now), now, self.site.cal)
            replies = await decide_or_undo(ctx, "ok" if confirm else "no", number,
                                           None if confirm else reason)
            queued = session.info.pop(notices.QUEUED, False)
        if queued:  # the chat notices are ledger rows: sent once, by the notice sender
            self.site.notices_committed()
        await self._tell(ctx.outbox)
        self.show("decided", text=replies[0].text if replies else "")

    async def _tell(self, notes: list[Reply]) -> None:
        """The chat notifications, after the commit (a channel down: logged, decision kept)."""
        for note in notes:
            try:
                if self.site.registry is None or not await self.site.registry.deliver(note):
                    log.warning("web decision note not sent channel=%s",
                                note.to.channel if note.to else None)
            except Exception as error:  # the decision stands; the chat note is best effort
                log.warning("web decision note failed error=%s", type(error).__name__)


def _no_conversation(message: IncomingMessage) -> Conversation:
    """The web keeps no chat step: an unsaved, idle conversation for the handler."""
    return Conversation(channel=message.channel, chat_id=message.chat_id,
                        external_id=message.user_id, step=IDLE, data={})
