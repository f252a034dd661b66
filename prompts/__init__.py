"""Every user-visible reply is a jinja2 template in this folder, rendered by `render`."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(name: str, **context: Any) -> str:
    """Render template `name` (`.txt` plain text, `.html` autoescaped Telegram HTML)."""
    return _env.get_template(name).render(**context).strip()
