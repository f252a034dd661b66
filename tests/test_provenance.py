"""The shipped model's record of how it was trained names the run that made it."""
from __future__ import annotations

from retrieval.span_reader.training.provenance import training_record

LOG = [{"epoch": 1, "loss": 2.07, "seconds": 3210.5, "span_exact": 0.45, "null_right": 0.72}]


def run_json(**given) -> dict:
    """What train.py writes beside its weights: every argument as a string."""
    args = {"base": ".train/base", "init": "None", "focus": "None", "replay": "0.3",
            "max_windows": "4", "epochs": "4", "lr": "0.00015", "seed": "22", "batch": "16"}
    args.update(given)
    return {"device": "cpu", "questions": 9471, "windows": 37000, "log": LOG, "args": args}


def test_a_run_from_the_base_is_recorded_as_make_train() -> None:
    record = training_record(run_json(), earlier={"model_sha256": "old"})
    assert record["command"].startswith("make train EPOCHS=4 LR=0.00015 MAX_WINDOWS=4 (")
    assert "--base BASE" in record["command"] and "--init" not in record["command"]
    assert (record["epochs"], record["lr"], record["max_windows"]) == (4, 0.00015, 4)
    assert record["questions"] == 9471 and record["log"] == LOG
    assert "continued_from" not in record


def test_a_run_that_went_on_keeps_the_model_it_started_from() -> None:
    record = training_record(run_json(base="None", init=".train/init.safetensors",
                                      focus="^bbc-w2", epochs="2", lr="5e-05"),
                             earlier={"model_sha256": "old", "training": {"epochs": 4}})
    assert record["command"].startswith(
        "make train-more FOCUS='^bbc-w2' REPLAY=0.3 MORE_EPOCHS=2 MORE_LR=5e-05 (")
    assert "--focus '^bbc-w2'" in record["command"]
    assert record["continued_from"] == {"model_sha256": "old", "training": {"epochs": 4}}


def test_the_record_names_the_runs_precision_and_float32_for_runs_before_the_option() -> None:
    assert training_record(run_json(precision="bf16"), earlier={})["precision"] == "bf16"
    assert "--precision bf16" in training_record(run_json(precision="bf16"), earlier={})["command"]
    assert training_record(run_json(), earlier={})["precision"] == "fp32"


def test_the_record_names_a_runs_repeated_sets_and_none_for_runs_before_the_option() -> None:
    command = training_record(run_json(repeat="squad=2,squad2=2"), earlier={})["command"]
    assert "REPEAT=squad=2,squad2=2 (" in command and "--repeat squad=2,squad2=2" in command
    assert "repeat" not in training_record(run_json(), earlier={})["command"].lower()
    assert "repeat" not in training_record(run_json(repeat="None"), earlier={})["command"].lower()
