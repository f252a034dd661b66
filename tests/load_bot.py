"""`qabot telegram` as it runs in production, but without Telegram's flood limits (30 messages
a second would cap any measurement): the bot process that the load tests drive."""
from __future__ import annotations

from bot.cli import settings_from_env
from bot.logs import guard_logs
from bot.telegram_app import UPDATES, build_application
from retrieval import Engine


def main() -> None:
    settings = settings_from_env()
    assert settings.telegram_token is not None
    guard_logs(settings.telegram_token.get_secret_value())
    engine = Engine.from_folder(settings.corpus_dir)
    build_application(settings, engine, flood_limits=False).run_polling(allowed_updates=UPDATES)


if __name__ == "__main__":
    main()
