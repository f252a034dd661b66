"""The span reader's training code (runs where the `train` extra, with torch, is installed)."""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from retrieval.span_reader.training.bert import SpanModel, checkpoint_name
from retrieval.span_reader.training.train import question_windows, repeats, selected, shared_loss

CONFIG = {"hidden_size": 32, "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.0,
          "vocab_size": 50, "max_position_embeddings": 16, "type_vocab_size": 2,
          "num_attention_heads": 4, "intermediate_size": 64, "num_hidden_layers": 2}


def test_every_encoder_parameter_has_a_checkpoint_name_and_only_the_head_is_new() -> None:
    names = {n: checkpoint_name(n) for n in SpanModel(CONFIG).state_dict()}
    assert names["layers.1.query.weight"] == "encoder.layer.1.attention.self.query.weight"
    assert names["emb_norm.bias"] == "embeddings.LayerNorm.bias"
    assert [n for n, c in names.items() if c is None] == ["span.weight", "span.bias"]


def test_padding_changes_no_logit_of_the_real_tokens() -> None:
    torch.manual_seed(0)
    model = SpanModel(CONFIG).eval()
    ids = torch.tensor([[1, 5, 6, 2, 7, 8, 2]])
    padded = torch.cat([ids, torch.zeros(1, 3, dtype=torch.long)], 1)
    mask = torch.cat([torch.ones_like(ids), torch.zeros(1, 3, dtype=torch.long)], 1)
    a, _ = model(ids, torch.ones_like(ids), torch.zeros_like(ids))
    b, _ = model(padded, mask, torch.zeros_like(padded))
    assert torch.allclose(a, b[:, :7], atol=1e-5)


def test_questions_are_the_runs_of_equal_group_numbers() -> None:
    groups = question_windows(torch.tensor([0, 0, 0, 1, 2, 2]))
    assert [g.tolist() for g in groups] == [[0, 1, 2], [3], [4, 5]]


def batch(positions: list[list[int]], slots: list[int], width: int = 5) -> dict:
    return {"attention_mask": torch.ones(len(slots), width, dtype=torch.long),
            "slot": torch.tensor(slots), "questions": max(slots) + 1,
            "starts": torch.tensor(positions)}


def test_the_loss_is_shared_across_a_questions_windows() -> None:
    b = batch([[3, -1], [-1, -1]], [0, 0])
    logits = torch.zeros(2, 5)
    base = shared_loss(logits, b["starts"], b)
    assert base == pytest.approx(torch.log(torch.tensor(10.0)).item())  # 1 gold of 10 places
    logits[1, 2] = 5.0  # another window's wrong token grows: the gold's share shrinks
    assert shared_loss(logits, b["starts"], b) > base


def test_a_question_without_an_answer_has_every_windows_cls_for_gold() -> None:
    b = batch([[-1, -1], [-1, -1]], [0, 0])
    logits = torch.zeros(2, 5)
    logits[:, 0] = 10.0
    assert shared_loss(logits, b["starts"], b) < 0.01


def data(ids: list[str], windows: list[int], answered: list[list[bool]]) -> dict:
    """Examples as examples.py writes them; a question's set is the start of its id."""
    groups = [q for q, n in enumerate(windows) for _ in range(n)]
    starts = torch.full((len(groups), 4), -1)
    flat = [a for row in answered for a in row]
    starts[torch.tensor(flat), 0] = 3
    return {"groups": torch.tensor(groups), "starts": starts,
            "meta": [json.dumps({"id": i, "set": i.split("-")[0]}) for i in ids]}


def options(**given: object) -> argparse.Namespace:
    return argparse.Namespace(**{"focus": None, "replay": 0.0, "repeat": None, "max_windows": 0,
                                 "seed": 1, **given})


def test_focus_takes_the_matching_questions_and_a_replay_sample_of_the_rest() -> None:
    d = data(["new-1", "old-1", "new-2", "old-2", "old-3"], [1] * 5, [[False]] * 5)
    assert [q.tolist() for q in selected(d, options(focus="^new-"))] == [[0], [2]]
    replayed = selected(d, options(focus="^new-", replay=0.5))  # one old per new one
    assert len(replayed) == 3 and [0] in [q.tolist() for q in replayed]
    assert len(selected(d, options())) == 5


def test_repeat_reads_a_sets_questions_that_many_times_an_epoch() -> None:
    d = data(["bbc-1", "squad-1", "bbc-2", "squad2-1"], [1, 2, 1, 1],
             [[False], [False, False], [False], [False]])
    picked = [q.tolist() for q in selected(d, options(repeat="squad=3,squad2=2"))]
    assert sorted(picked) == [[0], [1, 2], [1, 2], [1, 2], [3], [4], [4]]
    assert len(selected(d, options(repeat="squad=3", focus="^bbc-"))) == 2  # focus first
    with pytest.raises(argparse.ArgumentTypeError):
        repeats("squad=0")
    with pytest.raises(argparse.ArgumentTypeError):
        repeats("squad")


def test_max_windows_keeps_the_answer_windows_first_then_the_best_ranked() -> None:
    d = data(["a", "b"], [5, 3], [[False, False, False, True, False], [False, False, False]])
    picked = [q.tolist() for q in selected(d, options(max_windows=2))]
    assert picked == [[0, 3], [5, 6]]


@pytest.mark.filterwarnings("ignore")  # the exporter's notes (legacy exporter, traced constants)
def test_recovered_weights_are_the_quantised_models() -> None:
    pytest.importorskip("onnx")
    from retrieval.span_reader.training.export import export_float, quantise
    from retrieval.span_reader.training.recover import float_state

    torch.manual_seed(0)
    model = SpanModel(CONFIG).eval()
    with torch.no_grad():  # as after training: no two tensors alike (the exporter merges those)
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    with tempfile.TemporaryDirectory() as tmp:
        export_float(model, Path(tmp) / "f.onnx")
        quantise(Path(tmp) / "f.onnx", Path(tmp) / "q.onnx")
        state = float_state(Path(tmp) / "q.onnx")
    assert set(state) == set(model.state_dict())
    for name, value in model.state_dict().items():
        step = value.abs().max() / 100  # int8 rounding: well under 1% of the largest weight
        assert torch.allclose(state[name], value, atol=float(step)), name


def tiny_run(tmp: Path, **given: object) -> argparse.Namespace:
    """Six questions of one to three 8-token windows, half answerable, as examples.py writes them."""
    import numpy as np

    rng = np.random.default_rng(0)
    groups = [q for q, n in enumerate([1, 3, 2, 1, 2, 3]) for _ in range(n)]
    starts = np.full((len(groups), 4), -1)
    starts[[0, 2, 6, 9], 0] = [3, 4, 5, 6]
    np.savez(tmp / "d.npz", ids=rng.integers(3, 50, (len(groups), 8)), lengths=np.full(len(groups), 8),
             types=np.zeros((len(groups), 8), int), starts=starts, ends=starts,
             groups=np.array(groups), meta=np.array(['{"id": "q"}'] * len(groups)))
    return argparse.Namespace(**{
        "data": tmp / "d.npz", "dev": None, "base": None, "init": tmp / "init", "focus": None,
        "replay": 0.0, "repeat": None, "max_windows": 0, "out": tmp / "w.safetensors", "epochs": 3,
        "batch": 2, "lr": 1e-3, "seed": 3, "device": "cpu", "precision": "fp32", "half": False,
        "checkpoint_minutes": 0.0, "stop_after_minutes": 0.0, **given})


@pytest.fixture
def tiny_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from retrieval.span_reader.training import train as train_module

    def made(_: Path) -> SpanModel:  # the same start weights every time, dropout on
        torch.manual_seed(5)
        return SpanModel({**CONFIG, "hidden_dropout_prob": 0.1})

    monkeypatch.setattr(train_module, "load_trained", made)


def weights(path: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(path))


def test_a_run_stopped_and_gone_on_from_ends_where_an_unbroken_run_ends(tiny_model: None) -> None:
    from retrieval.span_reader.training.train import checkpoint_of, train

    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        unbroken = tiny_run(Path(a))
        assert not train(unbroken).get("stopped")
        sliced = tiny_run(Path(b), stop_after_minutes=1e-9)  # stops at each checkpoint
        stops = 0
        while train(sliced).get("stopped"):
            stops += 1
            assert checkpoint_of(sliced).exists()
        assert stops >= 6 and not checkpoint_of(sliced).exists()  # gone when the run ends
        ours, theirs = weights(unbroken.out), weights(sliced.out)
        assert all(torch.equal(ours[k], theirs[k]) for k in ours)


def test_a_checkpoint_of_another_run_is_refused(tiny_model: None) -> None:
    from retrieval.span_reader.training.train import train

    with tempfile.TemporaryDirectory() as tmp:
        assert train(tiny_run(Path(tmp), stop_after_minutes=1e-9)).get("stopped")
        with pytest.raises(SystemExit, match="differs in lr"):
            train(tiny_run(Path(tmp), lr=5e-4))


def test_a_checkpoint_in_another_precision_is_refused(tiny_model: None) -> None:
    from retrieval.span_reader.training.train import train

    with tempfile.TemporaryDirectory() as tmp:
        assert train(tiny_run(Path(tmp), stop_after_minutes=1e-9)).get("stopped")
        with pytest.raises(SystemExit, match="differs in precision"):
            train(tiny_run(Path(tmp), precision="bf16"))


def test_bf16_autocast_trains_to_other_weights_than_float32(tiny_model: None) -> None:
    from retrieval.span_reader.training.train import train

    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        full, half = tiny_run(Path(a)), tiny_run(Path(b), precision="bf16")
        train(full)
        train(half)
        ours, theirs = weights(full.out), weights(half.out)
        assert all(torch.isfinite(v).all() for v in theirs.values())
        assert any(not torch.equal(ours[k], theirs[k]) for k in ours)  # autocast was on


def test_auto_precision_is_bf16_only_where_the_device_computes_it(tmp_path: Path) -> None:
    from retrieval.span_reader.training.train import bf16_native

    assert bf16_native("cuda")
    cpuinfo = tmp_path / "cpuinfo"
    for flags, native in (("fpu sse avx512f", False), ("fpu avx512f avx512_bf16", True), ("amx_bf16", True)):
        cpuinfo.write_text(f"flags\t\t: {flags}\n")
        assert bf16_native("cpu", cpuinfo) is native
    assert not bf16_native("cpu", tmp_path / "absent")  # no /proc: float32


def test_a_slice_limit_counts_this_command_not_the_whole_run(tiny_model: None) -> None:
    from retrieval.span_reader.training.train import checkpoint_of, train

    with tempfile.TemporaryDirectory() as tmp:
        assert train(tiny_run(Path(tmp), stop_after_minutes=1e-9)).get("stopped")
        saved = checkpoint_of(tiny_run(Path(tmp)))
        state = torch.load(saved, weights_only=False)
        state["at"]["spent"] = 10 * 3600.0  # earlier slices took ten hours in all
        torch.save(state, saved)
        assert not train(tiny_run(Path(tmp), stop_after_minutes=60)).get("stopped")
