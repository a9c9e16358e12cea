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

# The plugins import one another by name, and guide_build is run as a module.
export PYTHONPATH := $(BASEDIR)/plugins
# Pelican itself, for the modes the staged build does not cover (regenerate, serve).
PELICAN = $(PYTHON) -m pelican
# A build into a staging folder that replaces OUTPUTDIR only when every check passed.
GUIDE_BUILD = $(PYTHON) -m guide_build

INSTALLED = $(VENV)/.installed
TEST_INSTALLED = $(VENV)/.installed-test

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif

PAGES ?= 1000
ROUNDS ?= 3

.PHONY: help html clean regenerate serve devserver publish test bench

help:
	@echo 'Makefile for the Servers guide'
	@echo ''
	@echo 'Usage:'
	@echo '   make html                    build the site into $(OUTPUTDIR)'
	@echo '   make clean                   remove the output, the venv stamps and every cache'
	@echo '   make regenerate              rebuild on every change (no server)'
	@echo '   make serve [PORT=8000]       serve $(OUTPUTDIR) on http://$(BIND):$(PORT)'
	@echo '   make devserver [PORT=8000]   rebuild on every change and serve on $(BIND)'
	@echo '   make publish                 build with publishconf.py'
	@echo '   make test                    install the test tools and run the tests'
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

publish: $(INSTALLED)
	$(GUIDE_BUILD) $(INPUTDIR) -o $(OUTPUTDIR) -s $(PUBLISHCONF) $(PELICANOPTS)

test: $(TEST_INSTALLED)
	$(PYTHON) -m pytest $(PYTESTOPTS)

# Cold and warm builds against plain Pelican, then the devserver's save-to-reload time.
bench: $(INSTALLED)
	$(PYTHON) -m tests.perf.bench --pages $(PAGES) --rounds $(ROUNDS)
	$(PYTHON) -m tests.perf.devserver_latency --pages $(PAGES)
