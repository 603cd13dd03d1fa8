# The course's commands. `make book` and `make test` each create .venv and install the locked
# environment on first use, and again whenever requirements.lock or pyproject.toml change.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# The interpreter for .venv: Python 3.12 or 3.13, found by scripts/find-python (PYTHON=... to choose).
PYTHON ?=
export PYTHON
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_VERSION := 25.3
# nbmake workers: at most the core count.
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 2 ] && n=2; echo $$n)
# Notebooks the site build executes at a time (scripts/execute_notebooks.py fills the
# execution cache in parallel before Sphinx reads it; each mode has its own cache): the core count.
# Each notebook then samples its PyMC chains on its share of the cores (COURSE_CORES, set by the
# script): with two cores per notebook, two full-mode notebooks ran four sampling processes on
# two cores and the parallel build was slower than one notebook at a time.
BOOK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# The seed `make test` runs every notebook under besides the default (COURSE_SEED; any
# non-negative integer must pass: `make test-seeds` tries several).
OTHER_SEED ?= 1
# Seconds one notebook cell may run (fast and full budgets fit well inside).
CELL_TIMEOUT ?= 900
BOOK_FAST := _build/fast
# The two fast runs whose checked numbers tests/test_reproducible.py compares (nbmake and the fast
# book build) each compile into an empty PyTensor cache of their own: with PyTensor 3's numba
# backend, code loaded from a warm cache gives slightly different draws than freshly compiled code
# for some models (measured: notebooks 03 and 04), so both runs start cold, like a new machine.
# Within each run every notebook has its own empty cache too (_build/pytensor/<run>/<notebook>),
# so that its numbers do not depend on which notebooks ran before or beside it (the book build
# runs them in parallel in another order than nbmake; measured: 04, 11 and 12 differed).
# MathJax for offline math: installed from npm into the build folder, never committed.
MATHJAX_VERSION := 3.2.2
MATHJAX := _build/mathjax-extra/_static/mathjax/tex-chtml.js
# reveal.js for the workshop slides (book/_ext/slides.py), from npm into the build folder.
REVEAL_VERSION := 5.2.1
REVEAL := _build/reveal-npm/node_modules/reveal.js/dist/reveal.js

.PHONY: help env mathjax slides rehearse book book-fast bench test test-unit test-notebooks test-notebooks-other-seed test-book test-full test-seeds lint lab lab-solutions student doctor docker lock clean distclean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

# TORCH=cpu: install torch's CPU build first and leave its Linux GPU stack (the lock lines marked
# sys_platform == "linux" under nvidia-*, cuda-*, triton) out; see book/setup.md.
TORCH ?= gpu
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
GPU_STACK := ^(nvidia-|cuda-|triton==)

$(STAMP): requirements.lock pyproject.toml
	@case "$(TORCH)" in gpu|cpu) ;; *) echo "error: TORCH must be gpu or cpu; got '$(TORCH)'"; exit 1;; esac
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 12), (3, 13)))'; then \
	  echo "$(VENV) was made with $$($(BIN)/python --version); recreating it for Python 3.12+"; rm -rf $(VENV); fi
	@if [ ! -x $(BIN)/python ]; then \
	  py=$$(scripts/find-python) && echo "Creating $(VENV) with $$($$py --version) ($$py)" && $$py -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade "pip==$(PIP_VERSION)"
	@if [ "$(TORCH)" = cpu ]; then \
	  echo "Installing torch's CPU build (TORCH=cpu)"; \
	  $(BIN)/python -m pip install --quiet "torch==$$(sed -n 's/^torch==//p' requirements.lock)" --index-url $(TORCH_CPU_INDEX); \
	  grep -Ev '$(GPU_STACK)' requirements.lock > $(VENV)/requirements-cpu.lock; \
	  $(BIN)/python -m pip install --quiet -r $(VENV)/requirements-cpu.lock; \
	else \
	  $(BIN)/python -m pip install --quiet -r requirements.lock; \
	fi
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $@

env: $(STAMP) ## create .venv with the locked environment

# The IPython profile whose startup file guards every notebook kernel (tests/guards.py).
GUARDS := _build/ipython/profile_default/startup/00-course-guards.py
$(GUARDS): tests/guards.py $(STAMP)
	$(BIN)/python -c "from pathlib import Path; from tests.guards import ipython_dir; ipython_dir(Path('.'))"

$(MATHJAX):
	@if command -v npm >/dev/null; then \
	  echo "Installing MathJax $(MATHJAX_VERSION) from npm for offline math"; \
	  rm -rf _build/mathjax-npm && mkdir -p _build/mathjax-npm && \
	  npm install --prefix _build/mathjax-npm --no-save --no-audit --no-fund --loglevel=error mathjax@$(MATHJAX_VERSION) && \
	  rm -rf _build/mathjax-extra && mkdir -p _build/mathjax-extra/_static && \
	  cp -r _build/mathjax-npm/node_modules/mathjax/es5 _build/mathjax-extra/_static/mathjax; \
	else \
	  echo "npm not found: the site will load MathJax from its CDN (math needs a network to render)"; \
	fi

mathjax: $(MATHJAX) ## install the local MathJax copy the site serves

$(REVEAL):
	@if command -v npm >/dev/null; then \
	  echo "Installing reveal.js $(REVEAL_VERSION) from npm for the offline slides"; \
	  rm -rf _build/reveal-npm && mkdir -p _build/reveal-npm && \
	  npm install --prefix _build/reveal-npm --no-save --no-audit --no-fund --loglevel=error reveal.js@$(REVEAL_VERSION); \
	else \
	  echo "npm not found: the site is built without the workshop slides"; \
	fi

slides: $(STAMP) $(MATHJAX) $(REVEAL) ## workshop slides alone, from the rehearsal's executed live paths, into _build/slides
	$(BIN)/python book/_ext/slides.py --from-rehearsal _build/rehearsal --out _build/slides/slides

book: $(STAMP) $(MATHJAX) $(REVEAL) ## execute every notebook in full mode and build the site into _build/html
	env -u MPLBACKEND COURSE_FAST=0 COURSE_QUIET=1 \
	  $(BIN)/python scripts/execute_notebooks.py --cache _build/.jupyter_cache --jobs $(BOOK_JOBS)
	env -u MPLBACKEND COURSE_FAST=0 COURSE_QUIET=1 $(BIN)/jupyter-book build . --builder html
	@echo "The site is in $(CURDIR)/_build/html; open $(CURDIR)/_build/html/index.html"

book-fast: $(STAMP) $(MATHJAX) $(REVEAL) $(GUARDS) ## a fresh fast-mode build into _build/fast, failing on any warning
	rm -rf $(BOOK_FAST) _build/records/book _build/pytensor/book && mkdir -p $(BOOK_FAST)
	env -u MPLBACKEND COURSE_FAST=1 COURSE_QUIET=1 COURSE_RECORD_DIR=$(CURDIR)/_build/records/book \
	  PYTENSOR_FLAGS=base_compiledir=$(CURDIR)/_build/pytensor/book \
	  IPYTHONDIR=$(CURDIR)/_build/ipython \
	  bash -c '$(BIN)/python scripts/execute_notebooks.py --cache $(BOOK_FAST)/_build/.jupyter_cache \
	    --jobs $(BOOK_JOBS) --record-dir $$COURSE_RECORD_DIR --compiledir-root $(CURDIR)/_build/pytensor/book \
	  && $(BIN)/jupyter-book build . --path-output $(BOOK_FAST) --all -W -n --keep-going' \
	  2>&1 | tee $(BOOK_FAST)/build.log

bench: $(STAMP) $(GUARDS) ## time every notebook cold and warm, fast and full, against its budget (BENCH_ARGS="--notebooks 07,14 --modes fast --temps warm")
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

test: ## unit tests and hygiene; every notebook with nbmake (default seed and another), a fresh fast book build; site checks
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory -j2 --output-sync=target test-notebooks book-fast
	$(MAKE) --no-print-directory test-notebooks-other-seed
	COURSE_BOOK_BUILT=1 $(MAKE) --no-print-directory test-book

lint: $(STAMP)
	$(BIN)/ruff check helpers course_tools tests notebooks book/_ext scripts conftest.py
	$(BIN)/ruff format --check helpers course_tools tests notebooks book/_ext scripts conftest.py

test-unit: $(STAMP) lint ## unit tests of helpers, notebook hygiene, environment drift
	$(BIN)/python -m pytest -m "not book and not slow and not docker" --doctest-modules helpers course_tools tests

test-notebooks: $(STAMP) $(GUARDS) ## run every notebook in fast mode with nbmake, printing each one's duration
	mkdir -p _build/records && rm -rf _build/records/nbmake
	git status --porcelain --untracked-files=all > _build/records/git-status-before.txt 2>/dev/null || true
	rm -rf _build/pytensor/nbmake
	COURSE_COMPILEDIR_ROOT=$(CURDIR)/_build/pytensor/nbmake \
	COURSE_FAST=1 COURSE_QUIET=1 COURSE_RECORD_DIR=$(CURDIR)/_build/records/nbmake \
	  $(BIN)/python -m pytest --nbmake -n $(JOBS) \
	  --nbmake-timeout=$(CELL_TIMEOUT) --durations=0 -p no:cacheprovider notebooks

test-notebooks-other-seed: $(STAMP) $(GUARDS) ## every notebook in fast mode under COURSE_SEED=$(OTHER_SEED)
	COURSE_FAST=1 COURSE_QUIET=1 COURSE_SEED=$(OTHER_SEED) \
	  $(BIN)/python -m pytest --nbmake -n $(JOBS) \
	  --nbmake-timeout=$(CELL_TIMEOUT) --durations=0 -p no:cacheprovider notebooks

test-seeds: $(STAMP) $(GUARDS) ## every notebook under 5 seeds (fast) and the long-chain ones under 2 (full); a table
	$(BIN)/python scripts/test_seeds.py $(SEEDS_ARGS)

test-book: $(STAMP) $(MATHJAX) $(REVEAL) ## the fresh fast-mode book build, its pages, the browser and link checks
	$(BIN)/python -m pytest -m book tests

test-full: $(STAMP) ## every notebook in full mode (slow), checking the same things as fast mode
	rm -rf _build/records/full
	COURSE_FAST=0 COURSE_QUIET=1 COURSE_RECORD_DIR=$(CURDIR)/_build/records/full \
	  $(BIN)/python -m pytest --nbmake -n $(JOBS) \
	  --nbmake-timeout=$(CELL_TIMEOUT) --durations=0 -p no:cacheprovider notebooks
	$(BIN)/python -m pytest -m slow tests

lab: student ## open JupyterLab on your student copies (student/, exercises to do)
	$(BIN)/jupyter lab student

lab-solutions: $(STAMP) ## open JupyterLab on the full notebooks, solutions included (notebooks/)
	$(BIN)/jupyter lab notebooks

student: $(STAMP) ## write student copies (solutions removed) into student/, keeping any you changed
	$(BIN)/python -m course_tools.student notebooks student

doctor: $(STAMP) ## preflight for workshop attendees: versions, PyMC, Pyro, plotting, data, free disk, student copies
	$(BIN)/python -m course_tools.doctor

# EMPHASIS=pymc or pyro; COURSE_FAST=1 for a quick click-through (the table then says "fast mode").
EMPHASIS ?= pymc
rehearse: $(STAMP) $(GUARDS) ## run one emphasis's live cells block by block, timed; a table in _build/rehearsal-$(EMPHASIS).md
	COURSE_FAST=$${COURSE_FAST:-0} IPYTHONDIR=$(CURDIR)/_build/ipython $(BIN)/python scripts/rehearse.py --emphasis $(EMPHASIS)

docker: ## build the course's container image from a fresh clone; run the preflight and one notebook in it
	TORCH=$(TORCH) scripts/docker.sh

lock: ## re-resolve the environment from pyproject.toml into requirements.lock
	rm -rf _build/lock-venv && py=$$(scripts/find-python) && $$py -m venv _build/lock-venv
	_build/lock-venv/bin/python -m pip install --quiet --upgrade "pip==$(PIP_VERSION)"
	_build/lock-venv/bin/python -m pip install --quiet -e ".[dev]"
	{ sed -n '1,5p' requirements.lock; _build/lock-venv/bin/python -m pip freeze --all --exclude-editable \
	  | grep -v '^pip==' | sed -E 's/^torch==([0-9.]+)\+.*$$/torch==\1/' \
	  | sed -E '/$(GPU_STACK)/I s/$$/ ; sys_platform == "linux"/'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf _build/lock-venv
	@echo "requirements.lock updated; now update environment.yml to match (make test-unit checks it)"

clean: ## remove built sites and caches (keeps .venv, and student/: your work)
	rm -rf _build .pytest_cache .hypothesis notebooks/.ipynb_checkpoints
	find . -path ./.venv -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean ## also remove .venv
	rm -rf $(VENV)
