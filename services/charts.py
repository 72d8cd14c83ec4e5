"""The commune chart: per village, households reduced vs yearly target vs expected by pace.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, thread-safe),
portrait and large-type so it reads on a phone.
"""

from __future__ import annotations

import io
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from domain.periods import Period
from domain.progress import Track, Verdict
from messaging.render import render
from services.figures import Figures

TARGET = "#d5d8dc"
PACE = "#1f2d3d"
GOOD = "#2e7d32"
BEHIND = "#e65100"
NONE = "#7f8c8d"
COLOR = {Verdict.MET: GOOD, Verdict.AHEAD: GOOD, Verdict.ON_PACE: GOOD, Verdict.BEHIND: BEHIND,
         Verdict.NO_TARGET: NONE}


def village_chart(progress: Figures, ranked: list[Figures], period: Period) -> bytes:
    """PNG: two panels (poor, near-poor), one row per village in rank order."""
    rows = len(ranked)
    figure = Figure(figsize=(7.2, 2.2 + 0.7 * rows), dpi=140)
    FigureCanvasAgg(figure)
    figure.suptitle(_label("chart.title", unit=progress.name, period=period),
                    fontsize=17, fontweight="bold", y=0.995)
    figure.text(0.5, 1 - 0.62 / figure.get_figheight(),
                _label("chart.subtitle", as_of=progress.as_of, expected=progress.expected),
                ha="center", fontsize=11, color="#444444")
    poor_ax, near_ax = figure.subplots(2, 1, sharey=False)
    _panel(poor_ax, "chart.poor", progress.poor, progress.poor_verdict,
           [(v.name, v.poor, v.poor_verdict) for v in ranked], progress.expected)
    _panel(near_ax, "chart.near_poor", progress.near_poor, progress.near_poor_verdict,
           [(v.name, v.near_poor, v.near_poor_verdict) for v in ranked], progress.expected)
    figure.legend(handles=_legend(), loc="lower center", ncol=2, fontsize=11, frameon=False)
    height = figure.get_figheight()
    panel = (height - 3.1) / 2  # inches per panel once title, gaps and legend are set aside
    figure.subplots_adjust(left=_left_margin(figure, poor_ax, near_ax), right=0.97,
                           top=1 - 1.25 / height, bottom=1.05 / height, hspace=0.8 / panel)
    buffer = io.BytesIO()
    # One draw only (no tight_layout), light PNG compression: half the time per chart.
    figure.savefig(buffer, format="png", facecolor="white", pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def _left_margin(figure: Figure, *axes: Any) -> float:
    """Room for the longest village name, measured by the renderer without a full draw."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    widest = max((label.get_window_extent(renderer).width
                  for ax in axes for label in ax.get_yticklabels()), default=0.0)
    return min(0.45, (widest + 36) / (figure.get_figwidth() * figure.dpi))  # + ticks and pad


def _panel(ax: Any, name: str, total: Track, verdict: Verdict,
           rows: list[tuple[str, Track, Verdict]], expected: float) -> None:
    positions = list(range(len(rows)))
    targets = [track.target or 0 for _, track, _ in rows]
    reached = [track.confirmed.net for _, track, _ in rows]
    ax.barh(positions, targets, height=0.78, color=TARGET, zorder=1)
    ax.barh(positions, reached, height=0.46, color=[COLOR[v] for *_, v in rows], zorder=2)
    paced = [(y, track.target * expected) for y, (_, track, _) in enumerate(rows) if track.target]
    ax.vlines([x for _, x in paced], [y - 0.42 for y, _ in paced], [y + 0.42 for y, _ in paced],
              color=PACE, linewidth=2.6, zorder=3)  # one collection, not a line per village
    for y, (_, track, _) in zip(positions, rows, strict=True):
        end = max(track.target or 0, track.confirmed.net, 0)
        ax.text(end + 0.15, y, _label("chart.value", track=track), va="center", fontsize=11.5,
                color=BEHIND if track.verdict(expected) is Verdict.BEHIND else "#222222")
    ax.set_yticks(positions, _short_names([label for label, _, _ in rows]), fontsize=12)
    ax.invert_yaxis()
    ax.set_title(_label("chart.panel", name=name, track=total, verdict=verdict.value),
                 fontsize=13.5, loc="left", fontweight="bold")
    if min(reached, default=0) < 0:  # more fell into the status than left it
        ax.axvline(0, color="#888888", linewidth=0.9, zorder=2)
    ax.set_xlim(min(0, *reached) - 0.2, max([1, *targets, *reached]) * 1.18 + 0.8)
    ax.set_xticks([])  # every bar is labelled "reached/target": an axis would be noise
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)


def _short_names(names: list[str]) -> list[str]:
    """Drop the leading words every name shares ('Thôn ', 'Tổ dân phố '): more room for bars."""
    split = [name.split(" ") for name in names]
    shared = 0
    while all(len(words) > shared + 1 for words in split) and \
            len({words[shared] for words in split}) == 1:
        shared += 1
    return [" ".join(words[shared:]) for words in split] if len(names) > 1 else names


def _legend() -> list[Any]:
    return [Patch(color=GOOD, label=_label("chart.reached")),
            Patch(color=BEHIND, label=_label("chart.reached_behind")),
            Patch(color=TARGET, label=_label("chart.target")),
            Line2D([0], [0], color=PACE, linewidth=2.6, label=_label("chart.pace"))]


def _label(key: str, **values: Any) -> str:
    return render("digest_labels", key=key, **values)
