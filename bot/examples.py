"""Example questions for /start and the console, from the corpus folder's `.qabot-examples`."""
from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

# A hidden file, so the corpus loader (which skips dot files) never indexes it as a document.
EXAMPLES_FILE = ".qabot-examples"
SHOWN = 3


def example_questions(corpus_dir: Path) -> tuple[str, ...]:
    """Up to three questions from `corpus_dir/.qabot-examples` (one a line, # comments)."""
    path = corpus_dir / EXAMPLES_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as err:
        log.warning("ignoring %s: %s", path, err)
        return ()
    questions = (line.strip() for line in lines)
    return tuple(q for q in questions if q and not q.startswith("#"))[:SHOWN]

