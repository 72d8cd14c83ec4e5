"""Settings from the environment (or a `.env` file)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'giamngheo.db'}"


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = DEFAULT_SQLITE_URL
    timezone: str = "Asia/Ho_Chi_Minh"
    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    zalo_bot_token: str | None = None
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com/bot"
    telegram_webhook_url: str | None = None  # e.g. https://bot.example.vn/telegram
    telegram_webhook_secret: str | None = None  # random per start when unset
    zalo_webhook_url: str | None = None  # e.g. https://bot.example.vn/zalo
    zalo_webhook_secret: str | None = None  # random per start when unset
    public_base_url: str | None = None  # where the web server is reachable (Zalo photos)
    web_listen: str = "127.0.0.1"
    web_port: int = 8080
    invite_ttl_hours: int = 72
    # the web view (issue 16, docs/channels.md): served under PUBLIC_BASE_URL/web/
    web_login_minutes: int = 10  # a /web link is single use and expires after this
    web_session_hours: float = 12.0  # a browser session expires after this
    web_secure_cookie: bool | None = None  # unset: Secure when PUBLIC_BASE_URL is https
    telegram_init_data_max_age: int = 600  # seconds a Mini App's initData stays acceptable
    log_level: str = "INFO"
    # the durable intake (docs/channels.md): how long a received update is kept to tell a
    # redelivery, and after how long replies kept by a stopped process are sent by another
    intake_window_hours: float = 48.0
    intake_lease_seconds: float = 60.0
    # reminders and digests (issue 5): cut-off day 0 means calendar months and quarters
    reporting_cutoff_day: int = 0
    send_hour: int = 8
    reminder_days_before_cutoff: int = 14
    nudge_days_before_cutoff: int = 7
    digest_days_after_cutoff: int = 1
    review_window_start: str = "09-01"
    review_window_end: str = "12-14"
    yearly_report_deadline: str = "11-10"
    deadline_reminder_days: int = 7
    report_days_after_cutoff: int = 0  # a quarter's reports are on time until cut-off + this
    watch_months: int = 36  # newly exited households are watched this long (seed 003, 004)
    watch_days_before_cutoff: int = 21  # the quarter's watch questions to village heads
    catch_up_days: int = 30
    broadcast_per_second: float = 30.0  # Telegram's ceiling; the Broadcaster keeps its window
    broadcast_per_chat_seconds: float = 1.0
    delivery_lease_minutes: float = 15.0  # a ledger claim older than this: its process died
    schedule_tick_minutes: int = 10
    composition_workers: int = 1  # processes building digest charts and XLSX (0: in the bot)


def secure_cookie(settings: Settings) -> bool:
    """Mark the session cookie Secure: asked for, or the public address is HTTPS."""
    if settings.web_secure_cookie is not None:
        return settings.web_secure_cookie
    return (settings.public_base_url or "").startswith("https://")


class BadSetting(ValueError):
    """A setting the platform would refuse; the message names it and says why."""


ZALO_SECRET_LENGTH = range(8, 257)  # setWebhook's secret_token: "from 8 to 256 characters"


def check_webhook_secrets(settings: Settings) -> None:
    """Refuse at start-up a ZALO_WEBHOOK_SECRET Zalo's setWebhook would refuse later."""
    secret = settings.zalo_webhook_secret
    if not settings.zalo_webhook_url or secret is None:
        return
    if len(secret) not in ZALO_SECRET_LENGTH:
        raise BadSetting(f"ZALO_WEBHOOK_SECRET must be 8 to 256 characters (Zalo's setWebhook); "
                         f"it has {len(secret)}")
    if not secret.isascii() or not secret.isprintable() or " " in secret:
        raise BadSetting("ZALO_WEBHOOK_SECRET must be printable ASCII without spaces "
                         "(it is sent back in the X-Bot-Api-Secret-Token header)")
