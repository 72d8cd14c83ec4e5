"""Telegram's window: never a 31st send within a second, five places kept for answers."""

from __future__ import annotations

from bot.channels.telegram_limits import Window


def filled(finished: list[float], under_way: int = 0) -> Window:
    """A window with sends finished at these moments and some still under way."""
    window = Window(per_second=30, reserve=5)
    for moment in finished:
        window.start()
        window.finish(moment)
    for _ in range(under_way):
        window.start()
    return window


def test_answers_go_at_once_while_a_place_is_left() -> None:
    window = filled([0.1 * i for i in range(25)], under_way=4)  # 29 counted at 2.45
    assert window.wait(2.45, background=False) == 0.0


def test_background_sends_leave_five_places_for_answers() -> None:
    window = filled([0.5 + 0.01 * i for i in range(25)])  # 25 counted until 1.5
    assert window.wait(1.0, background=False) == 0.0
    assert round(window.wait(1.0, background=True) or 0, 6) == 0.5  # the oldest leaves at 1.5
    assert window.wait(1.51, background=True) == 0.0


def test_a_31st_send_waits_for_the_oldest_to_leave_the_second() -> None:
    window = filled([0.2, 0.3, *[0.9] * 28])
    assert round(window.wait(1.0, background=False) or 0, 6) == 0.2  # 0.2 + 1 s
    window = filled([0.2, 0.3, *[0.9] * 28], under_way=1)
    assert round(window.wait(1.0, background=False) or 0, 6) == 0.3  # two must leave


def test_sends_under_way_free_places_only_when_they_finish() -> None:
    window = filled([], under_way=30)
    assert window.wait(5.0, background=False) is None
    window.finish(5.0)
    assert round(window.wait(5.5, background=False) or 0, 6) == 0.5  # leaves the second at 6
    assert window.wait(6.0, background=False) == 0.0
