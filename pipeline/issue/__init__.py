"""A journal issue: the journal's settings once, its articles in order, continuous pages.

* ``settings.py``: ``input/journal.yaml`` as the typed ``JournalFile`` (what is true of
  every article: names, ISSNs, publisher, licence, sections, the odd-page rule; and
  the issues with their articles in order), and what it gives each article's
  metadata (``article_defaults``, merged under ``meta.yaml`` by the document stage).
* ``pages.py``: continuous pagination. Article k's first page follows article k-1's
  last (the next odd page under the odd-page rule); a last page is read from the
  article's typeset PDF. Each result is a small file rewritten only when it changes,
  so make re-typesets only the articles whose numbers moved.
* ``contents.py``: the trilingual table of contents (LaTeX front matter, HTML, EPUB).
* ``assemble.py``: ``issue.pdf`` from the front matter and the articles' PDFs
  (pikepdf: no article is typeset again), with bookmarks and blank pages.
* ``files.py``: the issue-level Crossref deposit, DOAJ batch and eLibrary XML, made
  from the articles' own files and validated with their schemas.
* ``commands.py``: ``python -m pipeline.issue …``, the commands make runs.
"""
