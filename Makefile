# Two commands on a fresh machine: `make demo` and `make test`.
SHELL   := /bin/bash
VENV    := .venv
PY      := $(VENV)/bin/python
RR      := $(VENV)/bin/readingroom
STAMP   := $(VENV)/.installed
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO    := demo-corpus/corpus.db
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export OMP_THREAD_LIMIT := 1

.PHONY: demo test faults setup system clean bench

setup: $(STAMP)

# Tesseract for OCR; catdoc for Word 97 .doc, .xls and .ppt; Chromium only for the tests that
# render the HTML report and drive the reading room (Playwright uses this chromium; it downloads none).
system:
	@command -v tesseract >/dev/null && command -v catdoc >/dev/null && command -v chromium >/dev/null || { \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq tesseract-ocr catdoc chromium; }

# torch first, pinned to the CPU build: a plain `torch` pulls a multi-GB CUDA build.
# Ray is an optional extra for users (`pip install 'readingroom[ray]'`); the tests install it.
$(STAMP): pyproject.toml | system
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,ray]'      # ray: the tests of ingest --cluster (tests/test_ray.py)
	$(RR) index export-encoder
	touch $(STAMP)

demo: $(STAMP)
	rm -rf demo-corpus
	$(RR) --corpus $(DEMO) ingest corpus/sample
	$(RR) --corpus $(DEMO) search "power and authority to serve warrants of removal" --limit 3
	$(RR) --corpus $(DEMO) search '"shall not be disclosed"' --mode keyword --limit 3
	$(RR) --corpus $(DEMO) search "who signed for ICE" --mode semantic --limit 3
	$(RR) --corpus $(DEMO) entities --type AGENCY --limit 10
	$(RR) --corpus $(DEMO) report clauses --out demo-corpus/report
	@echo
	@echo "Read it in the browser:  $(RR) --corpus $(DEMO) serve    (then open http://localhost:8000/)"

test: $(STAMP)
	$(PY) -m pytest -q

# the slow fault and fuzz suite: each long command killed at 20 moments, 500 mutated files
faults: $(STAMP)
	$(PY) -m pytest -q -s -m faults tests/test_crash.py tests/test_fuzz.py

bench: $(STAMP)
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) demo-corpus .pytest_cache
