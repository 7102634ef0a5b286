"""Language codes, defined once: the journal's BCP 47 codes and what indexers call them.

The document model tags every block with a BCP 47 code (``ky``, ``ru``, ``en``). The
indexing files each want another form of the same language:

* JATS, Crossref, HTML and schema.org: the BCP 47 code itself (``xml:lang="ky"``);
* DOAJ: ISO 639-2/B (``kir``, ``rus``, ``eng``; the B codes where B and T differ:
  ``ger``, ``fre``, ``chi``), which its ``iso_639-2b.xsd`` lists;
* eLibrary.ru's Articulus: the same three letters in capitals (``KIR``, ``RUS``, ``ENG``);
* BGN/PCGN romanisation, through ICU: the transform that writes names in Latin script.

One row per language ``pipeline/meta.py`` accepts (``KNOWN_LANGS``, checked by the
tests against this table).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # BCP 47 / ISO 639-1: the model's code
    iso639_2b: str  # DOAJ
    elibrary: str  # eLibrary.ru Articulus ``lang=``
    english_name: str
    #: ICU's BGN/PCGN romanisation of the language's Cyrillic script (ICU 72 ids), if any.
    latin_transform: str | None = None


LANGUAGES: dict[str, Language] = {lang.code: lang for lang in (
    Language("ky", "kir", "KIR", "Kyrgyz", "ky-ky_Latn/BGN"),
    Language("ru", "rus", "RUS", "Russian", "ru-ru_Latn/BGN"),
    Language("en", "eng", "ENG", "English"),
    Language("kk", "kaz", "KAZ", "Kazakh"),
    Language("uz", "uzb", "UZB", "Uzbek", "uz_Cyrl-uz/BGN"),
    Language("tg", "tgk", "TGK", "Tajik"),
    Language("tr", "tur", "TUR", "Turkish"),
    Language("de", "ger", "GER", "German"),
    Language("fr", "fre", "FRE", "French"),
    Language("zh", "chi", "CHI", "Chinese"),
)}


def iso639_2b(code: str) -> str | None:
    """DOAJ's code of a language, or None for one it cannot take.

    >>> iso639_2b("ky"), iso639_2b("de"), iso639_2b("la")
    ('kir', 'ger', None)
    """
    lang = LANGUAGES.get(code)
    return lang.iso639_2b if lang else None


def elibrary_code(code: str) -> str | None:
    """eLibrary.ru's code of a language (``KIR``, ``RUS``, ``ENG``), or None.

    >>> elibrary_code("ru")
    'RUS'
    """
    lang = LANGUAGES.get(code)
    return lang.elibrary if lang else None


def latin_transform(code: str) -> str | None:
    """The ICU transform that romanises ``code``'s Cyrillic names (BGN/PCGN), or None."""
    lang = LANGUAGES.get(code)
    return lang.latin_transform if lang else None
