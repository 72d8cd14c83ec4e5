"""The watch questions' answers (buttons or their numbers) and /theodoi: vẫn ổn, có khó
khăn (then what kind: the household is flagged), tái nghèo (the normal report path)."""

from __future__ import annotations

from domain.periods import Period, parse_period
from domain.roles import CAN_REPORT, Role
from domain.statuses import ChangeKind
from handlers.context import Context
from handlers.reports.household import household_chosen
from messaging.messages import Reply
from services import watch
from services.access import scope_of
from services.completeness import quarter_of
from services.reporting import reporter_villages
from services.watch_questions import DIFFICULTY, QUESTION, difficulty_question, question
from storage import conversations
from storage.models import Household


async def next_question(ctx: Context, _argument: str) -> list[Reply]:
    """/theodoi: the next household on watch this quarter that the head has not answered."""
    assert ctx.user is not None
    if Role(ctx.user.role) is not Role.VILLAGE_HEAD:
        return [ctx.reply("watch", part="heads_only")]
    return await _next(ctx, quarter_of(ctx.today, ctx.cal), asked=False)


async def on_button(ctx: Context, kind: str, value: str) -> list[Reply]:
    """'wq:<household>:<period>:<answer>' or 'wd:<household>:<period>:<difficulty>'."""
    found = await _watched(ctx, value)
    if found is None:
        return [ctx.reply("watch", part="not_yours")]
    item, period, said = found
    assert ctx.user is not None
    if kind == QUESTION and said == "difficulty":
        await watch.answer(ctx.session, ctx.user, item.household, period.key, "difficulty",
                           None, ctx.now, ctx.message.channel)
        return [difficulty_question(item, period)]
    if kind == DIFFICULTY and said in watch.DIFFICULTIES:
        await watch.answer(ctx.session, ctx.user, item.household, period.key, "difficulty",
                           said, ctx.now, ctx.message.channel)
        return [ctx.reply("watch", part="saved", w=item, said="difficulty", difficulty=said),
                *await _next(ctx, period)]
    if kind == QUESTION and said == "ok":
        await watch.answer(ctx.session, ctx.user, item.household, period.key, "ok", None,
                           ctx.now, ctx.message.channel)
        return [ctx.reply("watch", part="saved", w=item, said="ok", difficulty=None),
                *await _next(ctx, period)]
    if kind == QUESTION and said == "fell_back":
        return await _fell_back(ctx, item, period)
    return [ctx.reply("watch", part="not_yours")]


async def _fell_back(ctx: Context, item: watch.Watched, period: Period) -> list[Reply]:
    """Kept as the answer, then reported as any 'tái nghèo' (summary, Xác nhận)."""
    assert ctx.user is not None
    await watch.answer(ctx.session, ctx.user, item.household, period.key, "fell_back", None,
                       ctx.now, ctx.message.channel)
    left = len(await _unanswered(ctx, period))
    data = {"kind": ChangeKind.FELL_BACK.value, "village_id": item.household.village_id,
            "quick": True, "happened_on": ctx.today.isoformat()}
    replies = await household_chosen(ctx, item.household, data)
    return [ctx.reply("watch", part="fell_back", left=left), *replies]


async def _next(ctx: Context, period: Period, asked: bool = True) -> list[Reply]:
    items = await _unanswered(ctx, period)
    if not items:
        conversations.save(ctx.conversation, conversations.IDLE, {})
        return [ctx.reply("watch", part="done", period=period, asked=asked)]
    return [question(items[0], period, len(items), not asked, ctx.cal.watch_months)]


async def _unanswered(ctx: Context, period: Period) -> list[watch.Watched]:
    assert ctx.user is not None
    villages = [v.id for v in await reporter_villages(ctx.session, ctx.user)]
    return await watch.unanswered(ctx.session, villages, period.key, ctx.today,
                                  ctx.cal.watch_months)


async def _watched(ctx: Context, value: str) -> tuple[watch.Watched, Period, str] | None:
    """The household on watch a button names, if the asker reports for its village."""
    assert ctx.user is not None
    parts = value.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or Role(ctx.user.role) not in CAN_REPORT:
        return None
    try:
        period = parse_period(parts[1])
    except ValueError:
        return None
    household = await ctx.session.get(Household, int(parts[0]))
    if household is None or not (await scope_of(ctx.session, ctx.user)).covers(
            household.village_id):
        return None
    items = await watch.watched(ctx.session, [household.village_id], ctx.today,
                                ctx.cal.watch_months)
    item = next((w for w in items if w.household.id == household.id and not w.fell_back), None)
    return (item, period, parts[2]) if item else None
