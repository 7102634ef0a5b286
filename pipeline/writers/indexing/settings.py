"""The journal's settings for the indexing files: ``input/journal.yaml``.

What is the same for every article of the journal and is not the article's
metadata: who deposits DOIs with Crossref, where the articles live on the web,
the journal's eLibrary.ru title id. The file sits beside the article folders
(``input/journal.yaml``); without it the indexing files are still written, with
what ``meta.yaml`` gives (the journal's name, ISSN, publisher, ``journal.url``).

It is read as ``meta.yaml`` is (``pipeline/meta.py``: the same YAML limits, text
rules and line-numbered errors).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from ...meta import Email, HttpUrl, ShortText, Text, _bad, clean_text

#: Where an article's landing page is when ``article_url`` does not say: under the
#: journal's address, by article id.
DEFAULT_ARTICLE_PATH = "{url}/articles/{id}/"


def _template(value: object) -> str:
    """An address with ``{id}`` where the article id goes (and ``{url}``, the journal's)."""
    text = clean_text(value, 2_000)
    if "{id}" not in text:
        raise _bad(f"{text[:40]!r} has no {{id}}",
                   "write the address with {id} where the article id goes, "
                   "e.g. https://journal.example.kg/articles/{id}/")
    return text


class Depositor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Text
    email: Email


class JournalSettings(BaseModel):
    """``input/journal.yaml``; every field is optional."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: HttpUrl | None = None  # the journal's home page
    #: An article's landing page (Crossref's resource URL, DOAJ's full text, the
    #: HTML pages' own address); ``{id}`` is the article id, ``{url}`` the journal's.
    article_url: Annotated[str, BeforeValidator(_template)] | None = None
    depositor: Depositor | None = None
    registrant: Text | None = None
    elibrary_titleid: ShortText | None = None


def load_settings(path: Path | None) -> JournalSettings:
    """The journal settings at ``path``, or the empty settings when there is no file."""
    if path is None or not path.exists():
        return JournalSettings()
    # The file also holds the journal's fields and issues (pipeline/issue/settings.py),
    # which validates all of it.
    from ...issue.settings import load_journal

    return load_journal(path, check_inputs=False).indexing()
