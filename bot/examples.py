"""Example questions for /start: the corpus's own, or ones written for the shipped seed corpus."""
from __future__ import annotations

import logging
from pathlib import Path

from bot.settings import DEFAULT_CORPUS

log = logging.getLogger(__name__)

# A hidden file, so the corpus loader (which skips dot files) never indexes it as a document.
EXAMPLES_FILE = ".qabot-examples"
SHOWN = 3
SEED_EXAMPLES = (
    "Who is the Russian foreign minister?",
    "Which rebel-held area near Damascus was hit by heavy air strikes?",
    "When were the Syria talks due to start?",
)


def example_questions(corpus_dir: Path) -> tuple[str, ...]:
    """Up to three questions from `corpus_dir/.qabot-examples` (one a line, # comments)."""
    path = corpus_dir / EXAMPLES_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return SEED_EXAMPLES if _same(corpus_dir, DEFAULT_CORPUS) else ()
    except (OSError, UnicodeDecodeError) as err:
        log.warning("ignoring %s: %s", path, err)
        return ()
    questions = (line.strip() for line in lines)
    return tuple(q for q in questions if q and not q.startswith("#"))[:SHOWN]


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
