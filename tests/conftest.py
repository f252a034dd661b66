"""Shared fixtures: the engine on the shipped seed corpus, and small literal corpora."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from collections.abc import Sequence
from dataclasses import replace

from retrieval import Document, Engine, EngineConfig

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"

# Never let a test reach the network through a proxy; the fake Bot API is on loopback.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"


@pytest.fixture(scope="session", autouse=True)
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Engines the tests start (as processes too) save their index here, not in the repo."""
    folder = tmp_path_factory.mktemp("index")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("QABOT_INDEX_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def seeds_engine() -> Engine:
    """The engine on seeds/, built once per test session."""
    return Engine.from_folder(SEEDS)


@pytest.fixture(scope="session")
def rules_seeds_engine() -> Engine:
    """The engine on seeds/ with the earlier rule reader (kept selectable to compare)."""
    return Engine.from_folder(SEEDS, EngineConfig(reader="rules"))


def rules_engine(documents: Sequence[Document], config: EngineConfig | None = None) -> Engine:
    """An engine on literal documents with the rule reader, whose rules these tests pin."""
    return Engine(documents, replace(config or EngineConfig(), reader="rules"))


def write_corpus(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create files (text or bytes) under `root`; return `root`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
