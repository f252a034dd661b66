"""Every setting is documented in .env.example, and its engine numbers are the defaults."""
from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"


def documented() -> dict[str, str]:
    """QABOT_ names set in .env.example (commented-out lines included) and their values."""
    found = re.findall(r"^#?\s*(QABOT_[A-Z0-9_]+)=(.*)$", EXAMPLE.read_text(encoding="utf-8"), re.M)
    return dict(found)


def test_every_setting_is_in_the_example():
    names = {f"QABOT_{name.upper()}" for name in Settings.model_fields}
    assert names - documented().keys() == set()
    assert documented().keys() - names == set()


def test_the_examples_numbers_for_the_engine_are_its_defaults(monkeypatch):
    for name in list(Settings.model_fields):
        monkeypatch.delenv(f"QABOT_{name.upper()}", raising=False)
    defaults = Settings(_env_file=None)
    for key, value in documented().items():
        field = key.removeprefix("QABOT_").lower()
        if value and field in ("confidence_threshold", "max_unseen", "top_k", "read_k"):
            assert float(value) == float(getattr(defaults, field)), key
