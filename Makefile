# basma — make is the build engine: every stage writes one file, and each file
# depends on exactly the inputs, templates and code that produce it.
#
#   make build   install what is missing (apt packages, the venv), build every article
#   make test    install, then run the test suite
#   make check   validate every output (epubcheck, fonts embedded, no missing glyphs)
#   make bench   benchmarks (bench/results.md)
#   make clean   remove generated files only (build/, output/)

SHELL := /bin/bash
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_OK := $(VENV)/.installed
SYSTEM_OK := $(VENV)/.system-ok

# Debian 12 packages: LuaLaTeX with babel and fonts covering ң ө ү, validators, OCR.
APT_PACKAGES := texlive-luatex texlive-lang-cyrillic texlive-lang-english \
  texlive-latex-extra latexmk fonts-paratype fonts-noto-core fonts-dejavu \
  poppler-utils qpdf epubcheck default-jre-headless \
  tesseract-ocr tesseract-ocr-kir tesseract-ocr-rus tesseract-ocr-eng

ARTICLES := $(patsubst input/%/,%,$(wildcard input/*/))
KEYS := full ky ru en
export BASMA_PROGRESS := 1

COMMON := pipeline/__init__.py pipeline/__main__.py pipeline/cli.py pipeline/model.py \
  pipeline/errors.py pipeline/fileio.py
EXTRACT_CODE := $(COMMON) pipeline/extract.py pipeline/pdf.py pipeline/docx.py
CLEAN_CODE := $(COMMON) pipeline/clean.py pipeline/fixes.py pipeline/langid.py
SEGMENT_CODE := $(COMMON) pipeline/segment.py
TAG_CODE := $(COMMON) pipeline/tag.py pipeline/langid.py
DOCUMENT_CODE := $(COMMON) pipeline/meta.py pipeline/corrections.py
EDITION_CODE := $(COMMON) pipeline/editions.py pipeline/translations.py $(wildcard templates/ui/*.yaml)
TEX_CODE := $(EDITION_CODE) pipeline/latex.py pipeline/hyphenate.py templates/article.tex.j2
EPUB_CODE := $(EDITION_CODE) pipeline/epub.py templates/epub.css
REPORT_CODE := $(COMMON) pipeline/report.py

.PHONY: all build test check bench clean deps lint
all: build

# --- installation -------------------------------------------------------------------

deps: $(VENV_OK) $(SYSTEM_OK)

$(VENV_OK): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# Installs the Debian packages only when a tool is missing: the download is large.
$(SYSTEM_OK): | $(VENV_OK)
	@if ! command -v lualatex >/dev/null || ! command -v pdffonts >/dev/null \
	    || ! command -v tesseract >/dev/null || ! test -f /usr/share/java/epubcheck.jar \
	    || ! command -v java >/dev/null || ! fc-list | grep -q 'PT Serif' \
	    || ! tesseract --list-langs 2>/dev/null | grep -qx kir; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "error: Makefile: Debian packages are missing — run 'make build' as root once, or: apt-get install $(APT_PACKAGES)" >&2; exit 1; fi; \
	  echo "installing Debian packages (large, once)…"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	fi
	@touch $@

# --- the articles ---------------------------------------------------------------------

# $(1) is the article id. The source is whichever of source.pdf/.txt/.docx exists.
define ARTICLE
$(1)_SRC := $$(firstword $$(wildcard input/$(1)/source.pdf input/$(1)/source.txt input/$(1)/source.docx))
$(1)_OUT := output/$(1)/document.json output/$(1)/cleaning-report.html \
  $$(foreach k,$(KEYS),output/$(1)/$$(call outname,$(1),$$k).pdf output/$(1)/$$(call outname,$(1),$$k).epub)

build/$(1)/extract.json: $$($(1)_SRC) $(EXTRACT_CODE) | $(VENV_OK)
	@$(PY) -m pipeline extract $$< -o $$@
build/$(1)/clean.json: build/$(1)/extract.json $(CLEAN_CODE)
	@$(PY) -m pipeline clean $$< -o $$@
build/$(1)/segment.json: build/$(1)/clean.json $(SEGMENT_CODE)
	@$(PY) -m pipeline segment $$< -o $$@
build/$(1)/tag.json: build/$(1)/segment.json $(TAG_CODE)
	@$(PY) -m pipeline tag $$< -o $$@
output/$(1)/document.json: build/$(1)/tag.json $(DOCUMENT_CODE) $$(wildcard input/$(1)/meta.yaml input/$(1)/corrections.yaml)
	@$(PY) -m pipeline document $$< -o $$@ \
	  $$(if $$(wildcard input/$(1)/meta.yaml),--meta input/$(1)/meta.yaml) \
	  $$(if $$(wildcard input/$(1)/corrections.yaml),--corrections input/$(1)/corrections.yaml)
output/$(1)/cleaning-report.html: output/$(1)/document.json build/$(1)/clean.json $(REPORT_CODE)
	@$(PY) -m pipeline report $$< --cleaned build/$(1)/clean.json -o $$@

# All editions' sources in one process; each file is rewritten only when it changes.
build/$(1)/editions.stamp: output/$(1)/document.json $(TEX_CODE) $(EPUB_CODE) $$(wildcard input/$(1)/translations/*.md)
	@$(PY) -m pipeline editions $$< --article $(1) --outdir output/$(1) --builddir build/$(1) $$(if $$(wildcard input/$(1)/translations),--translations input/$(1)/translations)
	@touch $$@

$$(foreach k,$(KEYS),$$(eval $$(call EDITION,$(1),$$k)))

build-$(1): $$($(1)_OUT)
.PHONY: build-$(1)
endef

outname = $(if $(filter full,$(2)),$(1),$(1).$(2))

# $(1) article id, $(2) edition key. The .tex and the EPUB's pandoc source come
# from the editions stamp; they are rewritten only when their text changes, so an
# edit that does not show in an edition does not re-typeset or re-pack it.
define EDITION
output/$(1)/$(call outname,$(1),$(2)).tex build/$(1)/$(2).epub.json: build/$(1)/editions.stamp ;
output/$(1)/$(call outname,$(1),$(2)).pdf: output/$(1)/$(call outname,$(1),$(2)).tex pipeline/typeset.py | $(SYSTEM_OK)
	@$(PY) -m pipeline pdf $$< --workdir build/$(1)/tex-$(2) -o $$@
output/$(1)/$(call outname,$(1),$(2)).epub: build/$(1)/$(2).epub.json pipeline/epub.py templates/epub.css
	@$(PY) -m pipeline epub $$< -o $$@
endef

$(foreach a,$(ARTICLES),$(eval $(call ARTICLE,$(a))))

build: deps $(foreach a,$(ARTICLES),build-$(a))

# --- checks -------------------------------------------------------------------------------

test: deps
	$(PY) -m ruff check pipeline tests
	$(PY) -m pytest -q

check: build
	@$(PY) -m pipeline check $(foreach a,$(ARTICLES),output/$(a))

lint: $(VENV_OK)
	$(PY) -m ruff check pipeline tests

bench: deps
	$(PY) bench/bench.py

clean:
	rm -rf build output
