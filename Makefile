# The README's two commands: `make run` and `make test`. Everything else is set-up they call.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8501

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export TOKENIZERS_PARALLELISM := false
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: install browser ingest run test test-fast lint bench bench-notes eval clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	$(PY) scripts/check_install.py
	# Export the embedding model to ONNX once (from the local weights; ~113 MB in the default data
	# directory): every data directory copies it, so no ingest or ask ever imports torch for it.
	$(PY) -m studygraph.ingest.onnx_export
	# Bytecode for our own packages: an editable install leaves none, and where PYTHONDONTWRITEBYTECODE
	# is set every start compiled them again (~0.07 s of each cold `ask` and app start).
	$(PY) -m compileall -q core ingest graph assistant ui cli >/dev/null
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the end-to-end browser test (Playwright never downloads a browser here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "note: /usr/bin/chromium is missing; run 'sudo apt-get install chromium' for the browser test"; fi; \
	fi

ingest: install
	$(BIN)/studygraph ingest

run: install ingest
	$(BIN)/streamlit run ui/app.py --server.address $(HOST) --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false --server.maxUploadSize 20

test: install browser
	$(BIN)/pytest -q

# The everyday subset: no browser, no SIGKILL rounds, no slow end-to-end runs (under a minute).
test-fast: install
	$(BIN)/pytest -q -m "not slow and not browser and not kill"

# ruff (style and bugs), mypy (types) and import-linter (the one-way layers).
# Neither mypy nor import-linter follows setuptools' package-dir mapping, so both
# read a symlink view build/lint/studygraph of the same files.
lint: install
	$(BIN)/ruff check .
	rm -rf build/lint && mkdir -p build/lint/studygraph
	for f in core/*.py; do ln -s ../../../$$f build/lint/studygraph/; done
	for d in ingest graph assistant cli ui; do ln -s ../../../$$d build/lint/studygraph/$$d; done
	cd build/lint && ../../$(BIN)/mypy -p studygraph
	cd build/lint && PYTHONPATH=. ../../$(BIN)/lint-imports ../../pyproject.toml

bench: install
	$(PY) benchmarks/run_all.py

# The blind multi-corpus evaluation (#16, #17): fetches the corpora into benchmarks/corpora/notes/
# (never committed), scores retrieval and answers, then the concept graph against the teachers' lists.
# The held-out corpus runs only with FINAL=1, before an issue is resolved.
bench-notes: install
	$(PY) benchmarks/notes_eval.py $(if $(FINAL),--final) && $(PY) benchmarks/graph_eval.py $(if $(FINAL),--final)

eval: install
	$(BIN)/studygraph ingest seeds && $(BIN)/studygraph eval ../shared/eval/dev_qa.jsonl

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache build
