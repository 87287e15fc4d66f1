# The two commands of the README:  make run  (the main job)  and  make test  (the tests).
# Both work on a machine that has only Swift: `deps` installs the C libraries' Debian -dev
# packages with apt-get when pkg-config cannot find them.

SWIFT ?= swift
# pkg-config module : Debian package
DEPS := libzip:libzip-dev xlsxwriter:libxlsxwriter-dev sqlite3:libsqlite3-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := .build/release/pipeline

.PHONY: all deps test-deps build release run test bench clean

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
	$(BIN) run

# The tests also open every output in a real spreadsheet program (LibreOffice, headless).
test-deps: deps
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "make test-deps: installing libreoffice-calc-nogui"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui; }

test: test-deps
	$(SWIFT) test

# Reader speed against python-calamine, fastexcel and openpyxl (pip-installed into a venv);
# check against the plain read of a 50,000-payment submission; pipeline run over 500 submissions;
# the annotated copy of a 200,000-row submission against a plain C libxlsxwriter write.
bench: release
	bash bench/run.sh
	bash bench/check.sh
	bash bench/batch.sh
	bash bench/annotate.sh

clean:
	rm -rf .build bench/work
