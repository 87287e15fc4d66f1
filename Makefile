# The two commands of the README:  make run  (the main job)  and  make test  (the tests).
# Both work on a machine that has only Swift: `deps` installs the C libraries' Debian -dev
# packages with apt-get when pkg-config cannot find them.

SWIFT ?= swift
# pkg-config module : Debian package
DEPS := libzip:libzip-dev xlsxwriter:libxlsxwriter-dev sqlite3:libsqlite3-dev libmicrohttpd:libmicrohttpd-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/pipeline

.PHONY: all deps test-deps build release run lint test e2e e2e-deps bench load fuzz clean

all: build

deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	for dep in $(DEPS); do \
	  pkg-config --exists "$${dep%%:*}" 2>/dev/null || missing="$$missing $${dep##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product pipeline

# The main job: the batch over the shipped inbox (fixtures/inbox, per pipeline.json) into out/.
run: release
	$(BIN) stations import fixtures/工作站名录.xlsx
	$(BIN) run

# The tests also open every output in a real spreadsheet program (LibreOffice, headless) and
# compare the annotated copy with the submission as two other readers see them (openpyxl and
# python-calamine, pip-installed with pillow and Selenium into TEST_VENV; Tests/tools/fidelity.py).
TEST_VENV := .build/test-venv
TEST_PIP := selenium openpyxl pillow python-calamine
test-deps: deps
	@command -v soffice >/dev/null 2>&1 && python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || { \
	  echo "make test-deps: installing libreoffice-calc-nogui python3-venv"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui python3-venv; }
	@[ -x $(TEST_VENV)/bin/python ] && \
	  $(TEST_VENV)/bin/python -c 'import selenium, openpyxl, PIL, python_calamine' 2>/dev/null || { \
	  echo "make test-deps: $(TEST_PIP) into $(TEST_VENV)"; \
	  python3 -m venv $(TEST_VENV) && $(TEST_VENV)/bin/pip install -q $(TEST_PIP); }

# The code is held to the repo's .swift-format (the toolchain's swift-format), before any test.
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

test: lint test-deps
	$(SWIFT) test
	$(MAKE) e2e

# The upload page in a real browser: Debian's chromium through chromium-driver, driven by Selenium
# (from TEST_VENV) (e2e/browser_test.py). The screenshot of the results page goes to .build/e2e/
# so a test run leaves the tree clean; `make e2e SCREENSHOT=docs/serve-results.png` refreshes the
# README's.
SCREENSHOT ?= .build/e2e/serve-results.png
e2e-deps: test-deps
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
	  echo "make e2e-deps: installing chromium chromium-driver fonts-noto-cjk"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    chromium chromium-driver fonts-noto-cjk; }

e2e: release e2e-deps
	@mkdir -p $(dir $(SCREENSHOT))
	$(TEST_VENV)/bin/python e2e/browser_test.py --binary $(BIN) --screenshot $(SCREENSHOT)

# Reader speed against python-calamine, fastexcel and openpyxl (pip-installed into a venv);
# check against the plain read of a 50,000-payment submission; pipeline run over 500 submissions;
# the annotated copy of a 200,000-row submission against a plain C libxlsxwriter write;
# pipeline serve's self-checks under wrk against pipeline check on the same file.
bench: release
	bash bench/run.sh
	bash bench/check.sh
	bash bench/batch.sh
	bash bench/batch_history.sh
	bash bench/annotate.sh
	bash bench/serve.sh

# Load (issue 6): 2,000 submissions through `pipeline run` and a 1,000,000-row sheet through
# `pipeline check`, time and peak RSS (bench/load.sh; minutes to generate the inputs once).
load: release
	bash bench/load.sh

# libFuzzer over the reader and the checks (Sources/pipeline-fuzz), with AddressSanitizer, for
# FUZZ_SECONDS (default 120), seeded with fixtures/ and the wild corpus. Crashes and hangs land in
# .build/fuzz/artifacts; replay one with `.build/fuzz/release/pipeline-fuzz FILE`.
FUZZ_SECONDS ?= 120
FUZZ_DIR := .build/fuzz
FUZZ_BIN := $(FUZZ_DIR)/release/pipeline-fuzz
WILD := ../shared/corpus/wild/files
fuzz: deps
	$(SWIFT) build -c release --product pipeline-fuzz --scratch-path $(FUZZ_DIR) \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
	mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/artifacts
	find fixtures -name '*.xls[xm]' -exec cp {} $(FUZZ_DIR)/corpus/ \;
	[ ! -d $(WILD) ] || find $(WILD) -maxdepth 1 -name '*.xls[xm]' -exec cp {} $(FUZZ_DIR)/corpus/ \;
	! command -v python3 >/dev/null || python3 fuzz/xml_seeds.py $(FUZZ_DIR)/corpus \
	  $$(find fixtures $(WILD) -name '*.xls[xm]' 2>/dev/null)
	@echo "make fuzz: fuzzing for $(FUZZ_SECONDS) s (log: $(FUZZ_DIR)/fuzz.log)"
	@$(FUZZ_BIN) $(FUZZ_DIR)/corpus -dict=fuzz/dict -artifact_prefix=$(FUZZ_DIR)/artifacts/ \
	  -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	  >$(FUZZ_DIR)/fuzz.log 2>&1; status=$$?; \
	  grep -E 'INITED|DONE' $(FUZZ_DIR)/fuzz.log; \
	  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' $(FUZZ_DIR)/fuzz.log; \
	  if [ $$status -ne 0 ]; then tail -n 60 $(FUZZ_DIR)/fuzz.log; ls -l $(FUZZ_DIR)/artifacts; fi; \
	  exit $$status

# The test suite under AddressSanitizer (leaks included, with the library leaks listed in
# sanitize/lsan.supp) and under ThreadSanitizer (the parallel batch); separate build folders.
sanitize: test-deps
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/sanitize/lsan.supp \
	  $(SWIFT) test --sanitize=address --scratch-path .build/asan
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --sanitize=thread --scratch-path .build/tsan

clean:
	rm -rf .build bench/work
