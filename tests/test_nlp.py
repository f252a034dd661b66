"""The pipeline's arithmetic, and the parse cache: each text parsed once, least recently used
dropped, no token vectors kept."""
from __future__ import annotations

from threadpoolctl import threadpool_info

from retrieval.nlp import ParseCache, pipeline


def test_a_text_is_parsed_once_and_answered_in_order() -> None:
    cache = ParseCache()
    first = cache.parse(["The bridge opened.", "Rain fell."])
    again = cache.parse(["Rain fell.", "The bridge opened.", "Rain fell."])
    assert [d.text for d in again] == ["Rain fell.", "The bridge opened.", "Rain fell."]
    assert again[0] is again[2] is first[1] and again[1] is first[0]


def test_the_least_recently_used_parse_is_dropped() -> None:
    cache = ParseCache(size=2)
    one, two = cache.parse(["One.", "Two."])
    cache.parse(["One.", "Three."])  # "Two." is the least recently used: dropped
    assert cache.parse(["One."])[0] is one
    assert cache.parse(["Two."])[0] is not two


def test_cached_docs_keep_no_token_vectors() -> None:
    (doc,) = ParseCache().parse(["The minister met the leaders of Turkey and Iran."])
    assert doc.tensor.size == 0 and [e.text for e in doc.ents] == ["Turkey", "Iran"]


def test_the_pipeline_multiplies_with_numpy_blas_on_one_thread() -> None:
    # blis was a quarter slower; more BLAS threads fight the parse worker for the cores.
    nlp = pipeline()
    assert all(not getattr(p, "model", None) or not p.model.ops.use_blis for _, p in nlp.pipeline)
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
