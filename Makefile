# One-command targets: `make test` and `make demo` install first on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test test-slow fuzz demo bench lint clean docs

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@# PyTorch is an optional oracle: install the pinned CPU build when it is reachable.
	-$(BIN)/pip install -q torch==2.13.0 || echo "torch==2.13.0 not installed: oracle tests will skip"
	@if ! command -v dot >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
	      || echo "could not install graphviz with apt; rendering tests will skip"; \
	  else \
	    echo "graphviz 'dot' is missing: install it with 'sudo apt-get install graphviz' (or 'brew install graphviz')"; \
	  fi; \
	fi
	@# The char-level language model's corpus: the Jargon File (public domain), from Debian.
	@if [ ! -f /usr/share/doc/jargon-text/jargon.txt.gz ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jargon-text >/dev/null) \
	      || echo "could not install jargon-text with apt; the char-LM test will skip"; \
	  else \
	    echo "jargon-text is missing: 'sudo apt-get install jargon-text' for the char-LM recipe"; \
	  fi; \
	fi
	touch $(STAMP)

test: install
	$(BIN)/python -m pytest -q -n 2 tests --doctest-modules autograd_core nn optim
	@# The GPU tests (the op database, optimizers and a training recipe on "cuda") again, on the
	@# strict CPU stand-in for CuPy, so host/device leaks fail here too (~1 min on 2 cores).
	$(BIN)/python -m pytest -q -n 2 --fake-cuda -m gpu tests
	@# Small models: OpenBLAS threads only slow their GEMMs (1-8 ms each against 25-55 µs on
	@# one thread, measured in the seq2seq notebook), so each kernel runs on one and two run at once.
	OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -q -n 2 --nbmake notebooks

test-slow: install
	$(BIN)/python -m pytest -q -m slow tests

# The slow differential fuzz tests (tests/**/*fuzz*) with new random draws on each run, where
# `make test-slow` (and CI) repeats the same fixed draws: run it to look for new cases.
fuzz: install
	AUTOGRAD_CORE_FUZZ_EXPLORE=1 OPENBLAS_NUM_THREADS=1 $(BIN)/python -m pytest -q -n 2 -m slow tests -k fuzz

demo: install
	$(BIN)/python -m autograd_core demo

bench: install
	$(BIN)/python -m bench.run_all

lint: install
	$(BIN)/ruff check autograd_core nn optim tests bench
	$(BIN)/ruff format --check autograd_core nn optim tests bench

docs: install
	$(BIN)/python -m autograd_core viz --example xor -o docs/xor_graph.png

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
