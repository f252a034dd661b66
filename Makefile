# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-load bench eval install clean train train-more xapian

# The span reader's training (optional: torch and the base encoder come with the `train` extra).
# On 2 CPU cores with bfloat16 instructions (AVX-512 BF16, used by itself) some 21 windows a
# second: about 4 h over all windows, 2 h with MAX_WINDOWS=4 (a question's answer windows first);
# four times that on a CPU without them (float32: 5 windows a second on an AVX2-only AMD EPYC);
# a few minutes on a GPU (DEVICE=cuda). Stopped, the same
# command goes on from the last checkpoint (saved every 10 minutes) to the weights an unbroken run gives.
DEVICE ?=
EPOCHS ?= 4
LR     ?= 1.5e-4
MAX_WINDOWS ?=
# SET=TIMES: a set's questions read that many times an epoch (e.g. squad=2,squad2=2).
REPEAT ?=
TRAIN  := .train
TRAINED := $(VENV)/.train-installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python scripts/link_xapian.py --if-present
	touch $(STAMP)

install: $(STAMP)

# The optional Xapian backend: Debian's bindings (apt-get install python3-xapian xapian-tools)
# made visible to the virtual environment.
xapian: $(STAMP)
	$(BIN)/python scripts/link_xapian.py

run: $(STAMP)
	$(BIN)/qabot run

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-load: $(STAMP)
	$(BIN)/python -m pytest -q -m load -o addopts=''

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_retrieval.py

eval: $(STAMP)
	$(BIN)/qabot eval ../shared/eval/seeds_dev.jsonl

# What follows every new model: the ranker fitted on its train-part candidates, then the
# abstention and its threshold on its dev-part answers, then how sure the answer of its best 4
# windows must be to stand without reading all 8 (the cascade).
define FIT_AFTER_MODEL
$(BIN)/python -m retrieval.span_reader.training.rank collect --part train
	$(BIN)/python -m retrieval.span_reader.training.rank collect --part dev
	$(BIN)/python -m retrieval.span_reader.training.rank fit
	$(BIN)/python -m retrieval.span_reader.training.calibrate collect --part dev
	$(BIN)/python -m retrieval.span_reader.training.calibrate fit
	$(BIN)/python -m retrieval.span_reader.training.calibrate collect --part dev --windows 4
	$(BIN)/python -m retrieval.span_reader.training.calibrate cascade --part dev
endef

$(TRAINED): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,train]'
	touch $(TRAINED)

train: $(TRAINED)
	$(BIN)/python questions/build.py ../shared
	$(BIN)/python -m retrieval.span_reader.training.base $(TRAIN)/base
	$(BIN)/python -m retrieval.span_reader.training.examples --part train --out $(TRAIN)/train.npz
	$(BIN)/python -m retrieval.span_reader.training.examples --part dev --out $(TRAIN)/dev.npz
	$(BIN)/python -m retrieval.span_reader.training.train --data $(TRAIN)/train.npz \
		--dev $(TRAIN)/dev.npz --base $(TRAIN)/base --out $(TRAIN)/weights.safetensors \
		--epochs $(EPOCHS) --lr $(LR) $(if $(MAX_WINDOWS),--max-windows $(MAX_WINDOWS)) \
		$(if $(REPEAT),--repeat $(REPEAT)) $(if $(DEVICE),--device $(DEVICE))
	$(BIN)/python -m retrieval.span_reader.training.export --weights $(TRAIN)/weights.safetensors
	$(FIT_AFTER_MODEL)
	$(BIN)/python -m retrieval.span_reader.training.provenance --run $(TRAIN)/weights.json

# Going on from a trained model (INIT, by default the shipped one) over the questions written
# since (FOCUS: a regex of their ids) with a replay sample of the others, 4 windows each:
# about an hour on 2 CPU cores, where `make train` from the base takes most of a day.
# INIT may also be a run's float weights (.safetensors), to go on from it without the int8 loss;
# REPLAY: other questions per focused one. FOCUS has no default: the shipped model has read
# every pass written so far, so name the writers of the new one (the shipped model went on over
# FOCUS='^bbc-w(7[4-9]|8[01])-' REPLAY=0.5 MORE_EPOCHS=1; its reader.json says so).
# MORE_EPOCHS and MORE_LR are its own, smaller than a run from the base needs; REPEAT as above.
INIT  ?= retrieval/span_reader/model/reader.int8.onnx
FOCUS ?=
REPLAY ?= 0.3
MORE_EPOCHS ?= 2
MORE_LR ?= 5e-5
train-more: $(TRAINED)
	$(if $(FOCUS),,$(error FOCUS: give the ids of the questions to go on over, e.g. FOCUS='^bbc-w9[0-7]-'))
	$(BIN)/python questions/build.py ../shared
	$(BIN)/python -m retrieval.span_reader.training.examples --part train --out $(TRAIN)/train.npz
	$(BIN)/python -m retrieval.span_reader.training.examples --part dev --out $(TRAIN)/dev.npz
	$(if $(filter %.onnx,$(INIT)),$(BIN)/python -m retrieval.span_reader.training.recover \
		--model $(INIT) --out $(TRAIN)/init.safetensors,cp $(INIT) $(TRAIN)/init.safetensors)
	$(BIN)/python -m retrieval.span_reader.training.train --data $(TRAIN)/train.npz \
		--init $(TRAIN)/init.safetensors --out $(TRAIN)/weights.safetensors --focus '$(FOCUS)' \
		--replay $(REPLAY) --max-windows 4 --epochs $(MORE_EPOCHS) --lr $(MORE_LR) \
		$(if $(REPEAT),--repeat $(REPEAT)) $(if $(DEVICE),--device $(DEVICE))
	$(BIN)/python -m retrieval.span_reader.training.export --weights $(TRAIN)/weights.safetensors
	$(FIT_AFTER_MODEL)
	$(BIN)/python -m retrieval.span_reader.training.provenance --run $(TRAIN)/weights.json

clean:
	rm -rf $(VENV) .cache build *.egg-info
