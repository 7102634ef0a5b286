# basma — make is the build engine: every stage writes one file, and each file
# depends on exactly the inputs, templates and code that produce it.
#
#   make build   install what is missing (apt packages, the venv), build every article
#   make test    install, then run the test suite
#   make check   validate every output (epubcheck, fonts embedded, no missing glyphs)
#   make bench   benchmarks (bench/results.md, the archive's throughput: bench/results.throughput.md)
#   make clean   remove generated files only (build/, output/)
#   make proof   a proof round of every article (PROOF=<id>: one), kept in proofs/<id>/<n>/
#   make clean-proofs   remove the kept proof rounds

SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_OK := $(VENV)/.installed
SYSTEM_OK := $(VENV)/.system-ok

# Debian 12 packages: LuaLaTeX with babel, fonts covering ң ө ү and the fallback chain of
# pipeline/writers/fonts.py (Greek, math, symbols, Arabic, Hebrew, CJK), validators, OCR.
APT_PACKAGES := texlive-luatex texlive-lang-cyrillic texlive-lang-english \
  texlive-latex-extra latexmk fonts-paratype fonts-noto-core fonts-dejavu fonts-noto-cjk \
  poppler-utils qpdf epubcheck default-jre-headless \
  tesseract-ocr tesseract-ocr-kir tesseract-ocr-rus tesseract-ocr-eng \
  libicu-dev pkg-config g++ libxml2-utils chromium
# libicu-dev, pkg-config and g++ build PyICU (an sdist) in the venv, so they come
# first; xmllint checks the indexing XML offline, chromium looks at the web pages.

# Article ids reach file names, make and the shell: only plain names are built, and
# every other folder is named in a warning (nothing from it is ever expanded).
# input/archive/ is the back catalogue, built by the Snakefile, not an article.
SAFE_ID := ^[A-Za-z0-9][A-Za-z0-9._-]*$$
ARTICLES := $(shell find input -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null \
  | LC_ALL=C grep -E '$(SAFE_ID)' | LC_ALL=C grep -vx archive | LC_ALL=C sort)
SKIPPED := $(shell find input -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null \
  | LC_ALL=C grep -cvE '$(SAFE_ID)')
KEYS := full ky ru en
export BASMA_PROGRESS := 1

# Each stage command writes, beside its output, the make rule of the code and
# templates it read (build/<id>/deps/*.d, as gcc -MMD does): see pipeline/stages.py.
STAGE = @$(PY) -m pipeline $(1) --deps build/$(2)/deps/$(notdir $(3)).d

.PHONY: all build test check bench corpus clean deps lint
all: build

# --- installation -------------------------------------------------------------------

deps: $(VENV_OK) $(SYSTEM_OK)

$(VENV_OK): pyproject.toml | $(SYSTEM_OK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# Installs the Debian packages only when a tool is missing: the download is large.
$(SYSTEM_OK):
	@if ! command -v lualatex >/dev/null || ! command -v pdffonts >/dev/null \
	    || ! pkg-config --exists icu-uc || ! command -v g++ >/dev/null \
	    || ! command -v xmllint >/dev/null \
	    || ! command -v tesseract >/dev/null || ! test -f /usr/share/java/epubcheck.jar \
	    || ! command -v java >/dev/null || ! fc-list | grep -q 'PT Serif' \
	    || ! fc-list | grep -q 'Noto Sans Math' || ! fc-list | grep -q 'Noto Serif CJK' \
	    || ! tesseract --list-langs 2>/dev/null | grep -qx kir; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "error: Makefile: Debian packages are missing — run 'make build' as root once, or: apt-get install $(APT_PACKAGES)" >&2; exit 1; fi; \
	  echo "installing Debian packages (large, once)…"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	fi
	@mkdir -p $(VENV) && touch $@

# --- the articles ---------------------------------------------------------------------

# Every output of an article is made in its staging folder, build/<id>/out/ (the
# files and names of output/<id>/), and one last step installs them together:
# `python -m pipeline install` replaces output/<id>/ by the staged set, or leaves it
# as it was (pipeline/install.py). The set's manifest, output/<id>/.basma-installed,
# is that step's stamp: deleting output/<id> installs again.
#
# Which articles are in which issue, in order (ISSUES, ISSUE_<key>, ISSUE_OF_<id>,
# PREV_OF_<id>), from input/journal.yaml; the issue rules are below the articles'.
ifneq ($(wildcard input/journal.yaml),)
ifeq ($(filter clean clean-proofs deps lint,$(MAKECMDGOALS)),)
-include build/issues.mk
endif
endif
build/issues.mk: input/journal.yaml | $(VENV_OK)
	@$(PY) -m pipeline.issue rules input/journal.yaml -o '$@'

# $(1) is the article id. The source is whichever of source.pdf/.txt/.docx exists.
# $(1)_OUTPUTS lists the staged outputs: a new output is one more file there, with
# the rule that makes it (see /tmp/makefile-ready.md or the rules below).
define ARTICLE
$(1)_SRC := $$(firstword $$(wildcard input/$(1)/source.pdf input/$(1)/source.txt input/$(1)/source.docx))
$(1)_OUTPUTS := build/$(1)/out/document.json build/$(1)/out/cleaning-report.html \
  $$(foreach k,$(KEYS),$$(foreach e,tex pdf epub,build/$(1)/out/$$(call outname,$(1),$$k).$$e))
$(1)_EPUBS := $$(foreach k,$(KEYS),build/$(1)/epub/$$(call outname,$(1),$$k).epub)
# The indexing files and web pages come from one command whose stamp stands for them
# all: the Crossref deposit exists only when the article has a DOI.
$(1)_OUTPUTS += build/$(1)/indexing.stamp

# An article of a journal issue (pipeline/issue) is typeset from build/<id>/document.json;
# its published document.json, with the computed pages, is made after its PDF.
$(1)_DOC := $$(if $$(ISSUE_OF_$(1)),build/$(1)/document.json,build/$(1)/out/document.json)
$(1)_JOURNAL := $$(if $$(wildcard input/journal.yaml),build/$(1)/journal.json)

ifeq ($$($(1)_SRC),)
build-$(1):
	@echo "error: input/$(1): no source file (source.pdf, source.txt or source.docx) — put the article's file there" >&2; exit 1
else
build/$(1)/extract.json: $$($(1)_SRC) | $(VENV_OK)
	$$(call STAGE,extract '$$<' -o '$$@',$(1),$$@)
build/$(1)/clean.json: build/$(1)/extract.json
	$$(call STAGE,clean '$$<' -o '$$@',$(1),$$@)
build/$(1)/segment.json: build/$(1)/clean.json
	$$(call STAGE,segment '$$<' -o '$$@',$(1),$$@)
build/$(1)/tag.json: build/$(1)/segment.json
	$$(call STAGE,tag '$$<' -o '$$@',$(1),$$@)
$$($(1)_DOC): build/$(1)/tag.json $$(wildcard input/$(1)/meta.yaml input/$(1)/corrections.yaml) $$($(1)_JOURNAL)
	$$(call STAGE,document '$$<' -o '$$@' \
	  $$(if $$(wildcard input/$(1)/meta.yaml),--meta 'input/$(1)/meta.yaml') \
	  $$(if $$($(1)_JOURNAL),--journal '$$($(1)_JOURNAL)') \
	  $$(if $$(wildcard input/$(1)/corrections.yaml),--corrections 'input/$(1)/corrections.yaml'),$(1),$$@)
# The report comes after the PDFs: it lists their typesetting warnings (<name>.problems).
build/$(1)/out/cleaning-report.html: build/$(1)/out/document.json build/$(1)/clean.json \
  $$(foreach k,$(KEYS),build/$(1)/out/$$(call outname,$(1),$$k).pdf)
	$$(call STAGE,report '$$<' --cleaned 'build/$(1)/clean.json' --problems \
	  $$(foreach k,$(KEYS),'build/$(1)/tex-$$k/$$(call outname,$(1),$$k).problems') -o '$$@',$(1),$$@)

# Every figure's and formula's picture (pipeline/writers/assets.py), before the editions
# that show them; an editor's replacement pictures are files of input/<id>/.
build/$(1)/assets.stamp: $$(or $$($(1)_DOC),build/$(1)/out/document.json) $$($(1)_SRC) \
  $$(wildcard input/$(1)/*.png input/$(1)/*.jpg input/$(1)/*.jpeg)
	$$(call STAGE,assets '$$<' --source '$$($(1)_SRC)' --article-dir 'input/$(1)' \
	  --outdir 'build/$(1)/assets' -o '$$@',$(1),$$@)
	@touch '$$@'
build/$(1)/editions.stamp: build/$(1)/assets.stamp
# The web pages and the JATS link the pictures: the indexing stage stages the ones they
# show in build/<id>/out/assets/, installed with the set (pipeline/install.py).
build/$(1)/indexing.stamp: build/$(1)/assets.stamp

# All editions' sources in one process; each file is rewritten only when it changes.
build/$(1)/editions.stamp: $$($(1)_DOC) $$(wildcard input/$(1)/translations/*.md)
	$$(call STAGE,editions '$$<' --article '$(1)' --outdir 'build/$(1)/out' --builddir 'build/$(1)' \
	  $$(if $$(wildcard input/$(1)/translations),--translations 'input/$(1)/translations') \
	  --dep-target '$$@',$(1),$$@)
	@touch '$$@'

$$(foreach k,$(KEYS),$$(eval $$(call EDITION,$(1),$$k)))

# JATS, Crossref, DOAJ and eLibrary XML and the four web pages, in one process
# (pipeline/writers/indexing); each file is rewritten only when it changes.
build/$(1)/indexing.stamp: build/$(1)/out/document.json $$(wildcard input/journal.yaml input/$(1)/translations/*.md)
	$$(call STAGE,indexing '$$<' --article '$(1)' --outdir 'build/$(1)/out' \
	  $$(if $$(wildcard input/journal.yaml),--journal 'input/journal.yaml') \
	  $$(if $$(wildcard input/$(1)/translations),--translations 'input/$(1)/translations') \
	  --dep-target '$$@',$(1),$$@)
	@touch '$$@'

# The packed EPUBs (build/<id>/epub/) are checked together, in one JVM, and only the
# ones that pass are staged; an EPUB already checked with the same bytes is not
# checked again (pipeline/writers/epubcheck.py).
build/$(1)/epubcheck.stamp: $$($(1)_EPUBS) | $(SYSTEM_OK)
	@$(PY) -m pipeline epubcheck $$(foreach f,$$($(1)_EPUBS),'$$f') --into 'build/$(1)/out' -o '$$@'
$$(foreach k,$(KEYS),build/$(1)/out/$$(call outname,$(1),$$k).epub): build/$(1)/epubcheck.stamp ;

output/$(1)/.basma-installed: $$($(1)_OUTPUTS)
	@$(PY) -m pipeline install 'build/$(1)/out' 'output/$(1)'

build-$(1): output/$(1)/.basma-installed
endif
.PHONY: build-$(1)
endef

outname = $(if $(filter full,$(2)),$(1),$(1).$(2))
journal_pages = $(if $(and $(ISSUE_OF_$(1)),$(filter-out full,$(2))),build/$(1)/pages.json)

# $(1) article id, $(2) edition key. The .tex and the EPUB's pandoc source come
# from the editions stamp; they are rewritten only when their text changes, so an
# edit that does not show in an edition does not re-typeset or re-pack it.
define EDITION
build/$(1)/out/$(call outname,$(1),$(2)).tex build/$(1)/$(2).epub.json: build/$(1)/editions.stamp ;
# A single-language edition of an issue's article prints the journal PDF's page range
# (build/<id>/pages.json, given to LuaLaTeX, not written into its .tex: pipeline/issue).
build/$(1)/out/$(call outname,$(1),$(2)).pdf: build/$(1)/out/$(call outname,$(1),$(2)).tex $(call journal_pages,$(1),$(2)) | $(SYSTEM_OK)
	$$(call STAGE,pdf '$$<' --workdir 'build/$(1)/tex-$(2)' $(if $(call journal_pages,$(1),$(2)),--journal-pages '$(call journal_pages,$(1),$(2))') -o '$$@',$(1),$$@)
build/$(1)/epub/$(call outname,$(1),$(2)).epub: build/$(1)/$(2).epub.json
	$$(call STAGE,epub '$$<' -o '$$@',$(1),$$@)
endef

$(foreach a,$(ARTICLES),$(eval $(call ARTICLE,$(a))))

# --- journal issues (pipeline/issue) ----------------------------------------------------
# input/journal.yaml gives every article the journal's fields (build/<id>/journal.json)
# and lists the issues, whose pages are computed: article k's first page follows
# article k-1's last (build/<prev>/pages.json, read from its typeset PDF). Each of these
# files is rewritten only when it changes, and make does not rebuild what depends on a
# file whose recipe left it as it was: an edit that keeps an article's page count
# rebuilds that article and the issue, one that changes it also the later articles.
define JOURNAL_ARTICLE
build/$(1)/journal.stamp: input/journal.yaml $(if $(filter $(PREV_OF_$(1)),$(ARTICLES)),build/$(PREV_OF_$(1))/pages.json) | $(VENV_OK)
	@$(PY) -m pipeline.issue journal input/journal.yaml --article '$(1)' --build build \
	  -o 'build/$(1)/journal.json' --deps 'build/$(1)/deps/journal.json.d' --dep-target '$$@'
	@touch '$$@'
build/$(1)/journal.json: build/$(1)/journal.stamp ;
endef

define ISSUE_ARTICLE
build/$(1)/pages.stamp: build/$(1)/out/$(1).pdf build/$(1)/journal.json
	@$(PY) -m pipeline.issue pages 'build/$(1)/out/$(1).pdf' --journal 'build/$(1)/journal.json' \
	  -o 'build/$(1)/pages.json' --deps 'build/$(1)/deps/pages.json.d' --dep-target '$$@'
	@touch '$$@'
build/$(1)/pages.json: build/$(1)/pages.stamp ;
build/$(1)/out/document.json: build/$(1)/document.json build/$(1)/pages.json
	@$(PY) -m pipeline.issue document 'build/$(1)/document.json' --pages 'build/$(1)/pages.json' \
	  -o '$$@' --deps 'build/$(1)/deps/document.json.d' --dep-target '$$@'
endef

# $(1) is the issue's key, <volume>-<number>: output/issue-<key>/ holds issue.pdf, the
# contents (contents.html, contents.epub) and the issue's Crossref, DOAJ, eLibrary files.
define ISSUE
build/issue-$(1)/issue.stamp: input/journal.yaml $(foreach a,$(ISSUE_$(1)),build/$(a)/pages.json \
  build/$(a)/out/document.json build/$(a)/indexing.stamp build/$(a)/out/$(a).pdf) | $(SYSTEM_OK)
	@$(PY) -m pipeline.issue build input/journal.yaml --issue '$(1)' --build build \
	  -o 'build/issue-$(1)/out' --deps 'build/issue-$(1)/deps/issue.d' --dep-target '$$@'
	@touch '$$@'
output/issue-$(1)/.basma-installed: build/issue-$(1)/issue.stamp
	@$(PY) -m pipeline install 'build/issue-$(1)/out' 'output/issue-$(1)'
build-issue-$(1): output/issue-$(1)/.basma-installed
.PHONY: build-issue-$(1)
endef

ifneq ($(wildcard input/journal.yaml),)
$(foreach a,$(ARTICLES),$(eval $(call JOURNAL_ARTICLE,$(a))))
$(foreach a,$(ARTICLES),$(if $(ISSUE_OF_$(a)),$(eval $(call ISSUE_ARTICLE,$(a)))))
$(foreach i,$(ISSUES),$(eval $(call ISSUE,$(i))))
endif

-include $(wildcard build/*/deps/*.d)

# One build at a time in a checkout: a second `make build` waits for the first
# (they would share LuaLaTeX's working folders). Under the lock, temporaries can
# only be left by a killed build, so they are removed first.
build: deps
	@mkdir -p build && flock build/.lock sh -c '$(MAKE) --no-print-directory remove-stale-temporaries \
	  && $(MAKE) --no-print-directory locked-build'

locked-build: $(foreach a,$(ARTICLES),build-$(a)) $(foreach i,$(ISSUES),build-issue-$(i))
ifneq ($(SKIPPED),0)
	@find input -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | LC_ALL=C grep -vE '$(SAFE_ID)' \
	  | while IFS= read -r name; do \
	      id=$$(printf '%s' "$$name" | LC_ALL=C sed -E 's/[^A-Za-z0-9._-]+/-/g; s/^[-._]+//; s/[-.]+$$//'); \
	      printf 'warning: input/%q: not built — an article folder name is letters, digits, ".", "_" and "-" (rename it, e.g. to %s)\n' "$$name" "$${id:-article}" >&2; done
endif

# What a killed build can leave (pipeline/install.py, fileio.atomic_write): a
# half-made or an old set beside output/<id> (.<id>.basma-new-*: deleted), an old set
# moved aside by the two-rename install (.<id>.basma-old-*: put back when output/<id>
# is missing, else deleted), a writer's temporary file (.*.basma-tmp*), and the
# scratch folders of the old in-place build (output/<id>/.basma-*).
remove-stale-temporaries:
	@find output build -name '.*.basma-tmp*' -type f -delete 2>/dev/null; \
	find output -mindepth 1 -maxdepth 1 -name '.*.basma-new-*' -exec rm -rf {} + 2>/dev/null; \
	for old in output/.*.basma-old-*; do \
	  [ -d "$$old" ] || continue; id=$${old#output/.}; id=$${id%.basma-old-*}; \
	  if [ -e "output/$$id" ]; then rm -rf "$$old"; else mv "$$old" "output/$$id"; fi; done; \
	find output -mindepth 2 -maxdepth 2 -name '.basma-*' -type d -exec rm -rf {} + 2>/dev/null; true
.PHONY: locked-build remove-stale-temporaries

# --- checks -------------------------------------------------------------------------------

# The suite's last line compares its wall time with the seed's cold `make build`, made
# once inside the run (tests/conftest.py); the slowest tests are listed above it.
test: deps
	$(PY) -m ruff check pipeline tests
	$(PY) -m pytest -q -n auto --dist loadfile --durations=15

check: build
	@$(PY) -m pipeline check $(foreach a,$(ARTICLES),output/$(a)) $(foreach i,$(ISSUES),output/issue-$(i))

lint: $(VENV_OK)
	$(PY) -m ruff check pipeline tests

# The fuzz test of issue 14, longer than make test's few examples per input.
FUZZ_EXAMPLES ?= 100
# Every real PDF of ../shared/corpus built and scored against its truth: bench/corpus.md.
corpus: deps
	$(PY) bench/corpus.py --epubcheck

bench: deps
	$(PY) bench/bench.py
	$(PY) bench/throughput.py
	BASMA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -p no:cacheprovider -o addopts= tests/test_fuzz.py

# A proof round of every article, or of one (make proof PROOF=<id>): the journal PDF
# with line numbers and the list of what changed since the last round, kept under
# proofs/<id>/<n>/ (pipeline/writers/proof.py). make clean leaves the rounds.
PROOF_ARTICLES := $(if $(PROOF),$(filter $(PROOF),$(ARTICLES)),$(ARTICLES))
proof: build
	@test -n '$(PROOF_ARTICLES)' || { echo "error: PROOF: no such article in input/ — give an article id (a folder of input/)" >&2; exit 1; }
	@for a in $(PROOF_ARTICLES); do $(PY) -m pipeline proof "$$a" || exit 1; done

clean-proofs:
	rm -rf proofs
.PHONY: proof clean-proofs

clean:
	rm -rf build output
