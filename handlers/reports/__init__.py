"""Village heads report household changes: guided (a few taps) or in one sentence.

Steps live in their own modules: `household` (village, household, change), `details` (value,
note, new household), `summary`, `sentence` (one-sentence reports), `flow` (typed text and
buttons routed to the step they answer).
"""

from handlers.reports.flow import continue_step, on_button
from handlers.reports.household import start_guided
from handlers.reports.sentence import looks_like_report, parse_quick, quick, report_parsed
from handlers.reports.steps import FREE_TEXT_STEPS

__all__ = [
    "FREE_TEXT_STEPS",
    "continue_step",
    "looks_like_report",
    "on_button",
    "parse_quick",
    "quick",
    "report_parsed",
    "start_guided",
]
