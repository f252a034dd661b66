"""Fine-tune the span model on training windows.

    python -m retrieval.span_reader.training.train --data .train/train.npz \
        --dev .train/dev.npz --base BASE_DIR --out .train/weights.safetensors

Loss: the start and the end position's log-likelihood, normalised over all the windows of a
question together, [CLS] standing for "no answer". Seeded; one command reproduces the
weights on the same kind of device.

A long CPU run can be stopped and go on: every --checkpoint-minutes the whole state (weights,
optimiser, schedule, random generators, the epoch's order and place in it) is saved beside
--out, and the same command run again goes on from there to the very weights an unbroken run
gives. --stop-after-minutes ends a run at a checkpoint, to train in slices.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import time
from itertools import pairwise
from pathlib import Path

import numpy as np
import torch

from retrieval.span_reader.training.base import check_base
from retrieval.span_reader.training.bert import from_base
from retrieval.span_reader.training.export import load_trained


def load(path: Path) -> dict[str, torch.Tensor]:
    data = np.load(path)
    ids = torch.from_numpy(data["ids"].astype(np.int64))
    lengths = torch.from_numpy(data["lengths"].astype(np.int64))
    mask = (torch.arange(ids.shape[1])[None, :] < lengths[:, None]).long()
    return {
        "input_ids": ids, "attention_mask": mask,
        "token_type_ids": torch.from_numpy(data["types"].astype(np.int64)),
        "starts": torch.from_numpy(data["starts"].astype(np.int64)),
        "ends": torch.from_numpy(data["ends"].astype(np.int64)),
        "groups": torch.from_numpy(data["groups"].astype(np.int64)),
        "meta": data["meta"],
    }


def question_windows(groups: torch.Tensor) -> list[torch.Tensor]:
    """The window indices of each question (a question's windows are stored together)."""
    bounds = torch.nonzero(torch.diff(groups, prepend=groups[:1] - 1)).flatten().tolist()
    bounds.append(len(groups))
    return [torch.arange(a, b) for a, b in pairwise(bounds)]


def selected(data: dict, args: argparse.Namespace) -> list[torch.Tensor]:
    """The windows of each question trained on, once per epoch each. All by default; with
    --focus, the questions whose id matches and a seeded replay sample of the others (so that
    going on from a trained model on new questions does not forget the old); with --repeat,
    a set's questions read that many times an epoch (so that one corpus's share of training
    stays put as another's questions grow); with --max-windows, a question's answer windows
    and then its best-ranked others, up to that many."""
    questions = question_windows(data["groups"].cpu())
    meta = [json.loads(m) for m in data["meta"]]
    order = list(range(len(questions)))
    if args.focus:
        hit = [n for n in order if re.search(args.focus, meta[n]["id"])]
        rest = sorted(set(order) - set(hit))
        rng = np.random.default_rng(args.seed)
        keep = rng.choice(rest, size=min(len(rest), int(args.replay * len(hit))), replace=False)
        order = sorted([*hit, *keep.tolist()])
    if args.repeat:
        times = repeats(args.repeat)
        order = [n for n in order for _ in range(times.get(meta[n].get("set"), 1))]
    questions = [questions[n] for n in order]
    if args.max_windows:
        answered = (data["starts"] >= 0).any(1).cpu()
        questions = [torch.cat([q[answered[q]], q[~answered[q]]])[: args.max_windows].sort().values
                     for q in questions]
    return questions


def repeat_spec(spec: str) -> str:
    """--repeat's check; the text itself is kept, so that the run's record names it as given."""
    repeats(spec)
    return spec


def repeats(spec: str) -> dict[str, int]:
    """--repeat's value: 'squad=2,squad2=2' reads those sets' questions twice an epoch."""
    found = {}
    for part in spec.split(","):
        name, _, times = part.partition("=")
        if not name or not times.isdigit() or int(times) < 1:
            raise argparse.ArgumentTypeError(f"{part!r}: give SET=TIMES, e.g. squad=2")
        found[name] = int(times)
    return found


def batch_of(data: dict, questions: list[torch.Tensor], device: str) -> dict[str, torch.Tensor]:
    """The windows of some questions, padding trimmed, with each window's question slot."""
    idx = torch.cat(questions)
    slot = torch.cat([torch.full((len(q),), n, device=idx.device) for n, q in enumerate(questions)])
    width = int(data["attention_mask"][idx].sum(1).max())
    out = {k: data[k][idx][:, :width].to(device) for k in ("input_ids", "attention_mask", "token_type_ids")}
    out.update({k: data[k][idx].to(device) for k in ("starts", "ends")})
    out["slot"] = slot.to(device)
    out["questions"] = len(questions)
    return out


def shared_loss(logits: torch.Tensor, positions: torch.Tensor, batch: dict) -> torch.Tensor:
    """-log of the probability of the gold positions, normalised over all windows of a
    question together, so that scores compare across windows (Clark and Gardner, 2018).

    The gold positions are every quoted answer occurrence, or for a question without an
    answer in its windows, every window's [CLS].
    """
    windows = logits.shape[0]
    logits = logits.float().masked_fill(batch["attention_mask"] == 0, -1e4)
    gold = torch.zeros_like(logits, dtype=torch.bool)
    rows = torch.arange(windows, device=logits.device)[:, None].expand_as(positions)
    ok = positions >= 0
    gold[rows[ok], positions[ok]] = True
    q = batch["questions"]
    has = torch.zeros(q, device=logits.device).index_add(0, batch["slot"], gold.any(1).float()) > 0
    no_answer = ~has[batch["slot"]]
    gold[no_answer, 0] = True
    # log-sum-exp per question over all its windows' positions, gold and all.
    all_lse = torch.logsumexp(logits, dim=1)
    gold_lse = torch.logsumexp(logits.masked_fill(~gold, -1e4), dim=1)
    per_q_all = _segment_lse(all_lse, batch["slot"], q)
    per_q_gold = _segment_lse(gold_lse, batch["slot"], q)
    return (per_q_all - per_q_gold).mean()


def _segment_lse(values: torch.Tensor, slot: torch.Tensor, n: int) -> torch.Tensor:
    """log-sum-exp of `values` within each of n segments."""
    top = torch.full((n,), -1e4, device=values.device).scatter_reduce(0, slot, values, "amax")
    summed = torch.zeros(n, device=values.device).index_add(0, slot, torch.exp(values - top[slot]))
    return top + torch.log(summed)


def span_loss(start: torch.Tensor, end: torch.Tensor, batch: dict) -> torch.Tensor:
    return (shared_loss(start, batch["starts"], batch) + shared_loss(end, batch["ends"], batch)) / 2


@torch.no_grad()
def question_accuracy(model, data: dict, device: str, per_batch: int = 32) -> dict[str, float]:
    """On held-out questions: the share whose best start and end (over all their windows)
    are a gold answer's, and of those without an answer, the share the model says so of."""
    model.eval()
    right_span = n_span = right_null = n_null = 0
    questions = [q.to(device) for q in question_windows(data["groups"].cpu())]
    for lo in range(0, len(questions), per_batch):
        batch = batch_of(data, questions[lo : lo + per_batch], device)
        start, end = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        pad = batch["attention_mask"] == 0
        start, end = start.float().masked_fill(pad, -1e4), end.float().masked_fill(pad, -1e4)
        for n in range(batch["questions"]):
            rows = (batch["slot"] == n).nonzero().flatten()
            s, e = start[rows], end[rows]
            null = torch.logsumexp(s[:, 0], 0) + torch.logsumexp(e[:, 0], 0)
            s_in, e_in = s.clone(), e.clone()
            s_in[:, 0] = e_in[:, 0] = -1e4
            best = (s_in.max(1).values + e_in.max(1).values).max()
            w = int((s_in.max(1).values + e_in.max(1).values).argmax())
            gold_s, gold_e = batch["starts"][rows], batch["ends"][rows]
            if (gold_s >= 0).any():
                n_span += 1
                right_span += bool(best > null and int(s_in[w].argmax()) in gold_s[w].tolist()
                                   and int(e_in[w].argmax()) in gold_e[w].tolist())
            else:
                n_null += 1
                right_null += bool(null >= best)
    model.train()
    return {"span_exact": right_span / max(n_span, 1), "null_right": right_null / max(n_null, 1)}


def save(model: torch.nn.Module, out: Path, half: bool) -> None:
    from safetensors.torch import save_file

    state = {k: v.detach().to("cpu", torch.float16 if half else torch.float32).contiguous()
             for k, v in model.state_dict().items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(state, str(out))


def to(value, device: str):
    return value.to(device) if isinstance(value, torch.Tensor) else value


# What must match for a checkpoint to go on: the same run, not merely the same output file.
RUN_KEYS = ("data", "base", "init", "focus", "replay", "repeat", "max_windows", "epochs", "batch", "lr",
            "seed", "precision")


def checkpoint_of(args: argparse.Namespace) -> Path:
    return args.out.with_suffix(".resume.pt")


def run_key(args: argparse.Namespace) -> dict[str, str]:
    """The run's settings, and its data's hash: examples written again from other questions
    under the same file name make another run."""
    if not hasattr(args, "data_sha256"):
        args.data_sha256 = hashlib.sha256(Path(args.data).read_bytes()).hexdigest()
    return {k: str(getattr(args, k, None)) for k in (*RUN_KEYS, "data_sha256")}


def bf16_native(device: str, cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the device computes in bfloat16 natively: a GPU, or a CPU with AVX-512 BF16 or
    AMX instructions. There bfloat16 autocast halves a step's time (on 2 cores: 24 windows a
    second against 12); elsewhere it is emulated, slower than float32."""
    if device.startswith("cuda"):
        return True
    try:
        flags = set(cpuinfo.read_text().split())
    except OSError:
        return False
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def train(args: argparse.Namespace) -> dict:
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if args.precision == "auto":  # what the run used is recorded, so the run can be given again
        args.precision = "bf16" if bf16_native(device) else "fp32"
    if device == "cpu":
        torch.set_num_threads(max(1, torch.get_num_threads()))
    if args.init:  # go on from trained weights (e.g. recover.py's of the shipped model)
        model = load_trained(args.init).train().to(device)
    else:
        check_base(args.base)
        model = from_base(args.base, args.seed).to(device)
    data = {k: to(v, device) for k, v in load(args.data).items()}
    dev = {k: to(v, device) for k, v in load(args.dev).items()} if args.dev else None
    questions = [q.to(device) for q in selected(data, args)]
    n = len(questions)
    steps = args.epochs * math.ceil(n / args.batch)
    decay = [p for name, p in model.named_parameters() if p.ndim > 1]
    no_decay = [p for name, p in model.named_parameters() if p.ndim <= 1]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr)
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min((k + 1) / warm, max(0.0, (steps - k) / max(1, steps - warm))))
    gen = torch.Generator().manual_seed(args.seed)
    at = {"epoch": 0, "lo": 0, "total": 0.0, "log": [], "spent": 0.0, "order": None}
    saved = checkpoint_of(args)
    if saved.exists():
        at = resume(saved, args, model, opt, sched, gen, device)
    log = at["log"]
    began = time.time() - at["spent"]  # the whole run's time, over every slice
    last_save = this_slice = time.time()
    for epoch in range(at["epoch"], args.epochs):
        if at["order"] is None:
            at["order"] = torch.randperm(n, generator=gen)
        order, total = at["order"], at["total"]
        for lo in range(at["lo"], n, args.batch):
            picked = order[lo : lo + args.batch].tolist()
            batch = batch_of(data, [questions[i] for i in picked], device)
            with torch.autocast(device_type=device.split(":")[0], dtype=torch.bfloat16,
                                enabled=args.precision == "bf16"):
                start, end = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            loss = span_loss(start, end, batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += loss.item() * len(picked)
            if lo + args.batch < n and time.time() - last_save >= 60 * args.checkpoint_minutes:
                at.update(epoch=epoch, lo=lo + args.batch, total=total, spent=time.time() - began)
                checkpoint(saved, args, model, opt, sched, gen, at)
                last_save = time.time()
                if args.stop_after_minutes and time.time() - this_slice >= 60 * args.stop_after_minutes:
                    print(f"stopped at epoch {epoch + 1}, question {lo + args.batch} of {n}: "
                          "the same command goes on from here", flush=True)
                    return {"device": device, "stopped": True}
        entry = {"epoch": epoch + 1, "loss": round(total / n, 4), "seconds": round(time.time() - began, 1)}
        if dev is not None:
            entry.update({k: round(v, 4) for k, v in question_accuracy(model, dev, device).items()})
        log.append(entry)
        print(json.dumps(entry), flush=True)
        save(model, args.out, args.half)  # after every epoch: a long CPU run can stop early
        at.update(epoch=epoch + 1, lo=0, total=0.0, order=None, spent=time.time() - began)
        if epoch + 1 < args.epochs:
            checkpoint(saved, args, model, opt, sched, gen, at)
            last_save = time.time()
    saved.unlink(missing_ok=True)
    return {"device": device, "questions": n, "windows": sum(len(q) for q in questions), "log": log}


def checkpoint(path: Path, args: argparse.Namespace, model, opt, sched, gen, at: dict) -> None:
    """Everything the run needs to go on, written whole or not at all."""
    state = {"run": run_key(args), "at": at, "model": model.state_dict(), "opt": opt.state_dict(),
             "sched": sched.state_dict(), "gen": gen.get_state(), "rng": torch.get_rng_state(),
             "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None}
    part = path.with_suffix(".part")
    torch.save(state, part)
    part.replace(path)


def resume(path: Path, args: argparse.Namespace, model, opt, sched, gen, device: str) -> dict:
    """The saved state put back; a checkpoint of another run is refused, not mixed in."""
    state = torch.load(path, map_location=device, weights_only=False)
    if state["run"] != run_key(args):
        differ = sorted(k for k, v in run_key(args).items() if state["run"].get(k) != v)
        raise SystemExit(f"{path} is a checkpoint of another run (it differs in {', '.join(differ)}): "
                         "run with its settings to go on, or delete it to start again")
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    sched.load_state_dict(state["sched"])
    gen.set_state(state["gen"])
    torch.set_rng_state(state["rng"])
    if state["cuda_rng"] is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    at = state["at"]
    print(f"going on from {path}: epoch {at['epoch'] + 1}, question {at['lo']}", flush=True)
    return at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--dev", type=Path)
    parser.add_argument("--base", type=Path, help="folder of the base model")
    parser.add_argument("--init", type=Path, help="start from these weights, not the base's")
    parser.add_argument("--focus", help="train on the questions whose id matches this regex...")
    parser.add_argument("--replay", type=float, default=0.3,
                        help="...and this many others per focused question")
    parser.add_argument("--repeat", type=repeat_spec,
                        help="SET=TIMES[,...]: read a set's questions that many times an epoch")
    parser.add_argument("--max-windows", type=int, default=0, help="per question (0: all)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=16, help="questions (of up to 8 windows)")
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--device", default=None)
    parser.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                        help="bfloat16 autocast where the device computes it natively (auto), or not")
    parser.add_argument("--half", action="store_true", help="save float16 weights (to ship)")
    parser.add_argument("--checkpoint-minutes", type=float, default=10,
                        help="save the whole state this often, to go on after a stop")
    parser.add_argument("--stop-after-minutes", type=float, default=0,
                        help="end at the first checkpoint after this command has run this long (0: run to the end)")
    args = parser.parse_args()
    if not (args.base or args.init):
        parser.error("give --base (the base encoder) or --init (trained weights)")
    result = train(args)
    if result.get("stopped"):
        return
    args.out.with_suffix(".json").write_text(json.dumps({**result, "args": {
        k: str(v) for k, v in vars(args).items()}}, indent=1))


if __name__ == "__main__":
    main()
