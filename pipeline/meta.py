"""The article's metadata, typed: ``Meta``, built once from ``meta.yaml``.

A hand-typed metadata file is the likeliest bad input of all. It is read in
three steps, each with its own guard:

1. ``parse_yaml`` composes the YAML into a node tree and refuses what no editor
   means to type (alias bombs, deep nesting, tags such as ``!!binary``, non-text
   keys, lone surrogates); it then builds plain Python values itself, keeping the
   text of every scalar as written (``udc: 37.010`` stays ``"37.010"``, not the
   float ``37.01``) and leaving a date that does not exist (``2026-02-30``) as text
   for the schema to refuse with a clear message.
2. ``load_meta`` warns about unknown fields (with a "did you mean" hint) and leaves
   them out.
3. The pydantic models below validate every value; an error names the exact YAML
   line of the offending value, nested ones too (``authors`` → 2nd entry → ``orcid``).

Writers only format a ``Meta``: dates are ``datetime.date``, keywords are lists,
identifiers are checked and normalised here (ORCID and ROR as full URLs, the DOI
bare), and the fallbacks (journal name, publication date) are methods, so every
writer shows the same thing.
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import difflib
import re
import sys
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_11_2, mod_97_10

from .errors import BasmaError, MetaError

#: Languages the journal publishes in, plus those a title or abstract may carry.
KNOWN_LANGS = frozenset({"ky", "ru", "en", "kk", "uz", "tg", "tr", "de", "fr", "zh"})
#: The key of a name given as plain text, in no particular language (BCP 47 "und").
UNDETERMINED = "und"

#: A meta.yaml is a page of fields; more nodes than this (aliases expanded) is an attack.
MAX_NODES = 10_000
#: Nesting deeper than this has no meaning in meta.yaml or corrections.yaml.
MAX_DEPTH = 32

_LINE_TEXT = 1_000  # a title, a name, an affiliation
_SHORT_TEXT = 200  # an issue number, a UDC code, a licence name
_LONG_TEXT = 20_000  # an abstract


# --- YAML, parsed with limits ------------------------------------------------------------


class _Sourced:
    """Mixin for a number that remembers how it was written in the YAML."""

    yaml_text: str


class _SourcedInt(int, _Sourced):
    pass


class _SourcedFloat(float, _Sourced):
    pass


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def parse_yaml(text: str, path: Path | str, error: type[BasmaError] = MetaError,
               check_text: bool = True) -> tuple[Any, yaml.Node | None]:
    """Parse YAML into (data, node tree), or raise ``error`` naming the line.

    Refused, each with a one-line error: invalid YAML, more than ``MAX_NODES``
    nodes once aliases are expanded, nesting deeper than ``MAX_DEPTH``, tags other
    than the plain ones, keys that are not text, repeated keys, merge keys, lone
    surrogates; with ``check_text``, any text holding a ``bad_character``.

    >>> parse_yaml("udc: 37.010\\nvolume: 12", "m.yaml")[0]
    {'udc': 37.01, 'volume': 12}
    >>> parse_yaml("udc: 37.010", "m.yaml")[0]["udc"].yaml_text
    '37.010'
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise error(path, f"{line}{problem} (not valid YAML)",
                    "check the indentation and quoting on that line") from None
    except RecursionError:
        raise error(path, "the YAML is nested too deeply to be metadata",
                    f"use at most {MAX_DEPTH} levels of indentation") from None
    if node is None:
        return None, None
    _check_size(node, path, error)
    return _Builder(path, error, check_text).value(node), node


def _check_size(root: yaml.Node, path: Path | str, error: type[BasmaError]) -> None:
    """Refuse alias bombs, self-referring aliases and deep nesting before building data.

    PyYAML shares an aliased node, so "billion laughs" costs nothing to compose;
    it explodes only when the data is built or written out. The expanded size is
    counted here without expanding (each node's size is computed once).
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise error(path, f"line {_line(node)}: an alias refers to the value it is in",
                        "write the value out instead of the alias")
        if depth > MAX_DEPTH:
            raise error(path, f"line {_line(node)}: nested more than {MAX_DEPTH} levels deep",
                        "metadata needs only a few levels of indentation")
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            children: list[yaml.Node] = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_NODES:
                raise error(path, f"line {_line(node)}: the YAML holds more than "
                            f"{MAX_NODES} values once its * aliases are expanded",
                            "write the values out without & anchors and * aliases")
        open_nodes.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp")
}


class _Builder:
    """Plain Python values from a checked node tree (what ``safe_load`` would give,
    minus its surprises)."""

    def __init__(self, path: Path | str, error: type[BasmaError], check_text: bool = True):
        self.path, self.error, self.check_text = path, error, check_text
        self.scalars = yaml.SafeLoader("")  # only its scalar constructors are used

    def fail(self, node: yaml.Node, problem: str, hint: str) -> BasmaError:
        return self.error(self.path, f"line {_line(node)}: {problem}", hint)

    def value(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, f"the tag {node.tag[:60]} is not allowed here",
                                "write a plain list")
            return [self.value(item) for item in node.value]
        if node.tag != "tag:yaml.org,2002:map":
            kind = "a set (!!set)" if node.tag.endswith(":set") else f"the tag {node.tag[:60]}"
            raise self.fail(node, f"{kind} is not allowed here", "write plain `key: value` lines")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, "merge keys (<<) are not supported",
                                "write the fields out")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != (
                    "tag:yaml.org,2002:str"):
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a list"
                raise self.fail(key_node, f"a field name must be a word, not {str(shown)[:40]!r}",
                                "start the line with a field name such as `title:`")
            key = self.text(key_node)
            if key in out:
                raise self.fail(key_node, f"{key!r} is given twice", "keep one of them")
            out[key] = self.value(value_node)
        return out

    def text(self, node: yaml.ScalarNode) -> str:
        """A scalar's text; what no editor's text may hold is refused here, at its line,
        for meta.yaml and corrections.yaml alike (``"\\x07"``, ``"\\ud800"`` escapes)."""
        value = node.value
        found = bad_character(value)
        # meta.yaml's schema refuses the rest naming the field (``title.en: holds …``).
        if found is not None and (self.check_text or found[1].startswith("a lone")):
            at, what, hint = found
            if what.startswith("a lone surrogate"):
                what = f"a lone surrogate (U+{ord(value[at]):04X}), which is not a character"
                hint = "retype the text without the \\u escape"
            raise self.fail(node, f"the text holds {what}", hint)
        return value

    def scalar(self, node: yaml.ScalarNode) -> Any:
        text = self.text(node)
        if node.tag == "tag:yaml.org,2002:str":
            return text
        if node.tag == "tag:yaml.org,2002:binary":
            raise self.fail(node, "binary data (!!binary) is not text", "write the text itself")
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(node, f"the tag {node.tag[:60]} is not allowed", "remove the `!` tag")
        try:
            value = self.scalars.construct_object(node)
        except (ValueError, OverflowError, yaml.YAMLError):
            return text  # "2026-02-30", a 5,000-digit number: the schema explains
        if isinstance(value, bool | None | dt.date):
            return value
        if isinstance(value, int):
            out: _SourcedInt | _SourcedFloat = _SourcedInt(value)
        elif isinstance(value, float):
            out = _SourcedFloat(value)
        else:
            return value
        out.yaml_text = text
        return out


# --- value types ------------------------------------------------------------------------


def _bad(problem: str, hint: str, at: str | None = None) -> PydanticCustomError:
    """A validation error that carries the editor's hint (and, for cross-field
    checks, the field to point at)."""
    return PydanticCustomError("basma", "{problem}", {"problem": problem, "hint": hint, "at": at})


def _shown(value: Any) -> str:
    text = getattr(value, "yaml_text", None) or (value if isinstance(value, str) else str(value))
    return repr(text if len(text) <= 40 else text[:37] + "…")


_BREAKS = re.compile(r"[ \t\r\n\v\f\u2028\u2029]+")
#: What no text an editor types may hold: C0 controls but the line-break kinds, DEL
#: and the C1 controls, lone surrogates, noncharacters, and the bidi embeddings,
#: overrides and isolates.
_BAD_CHARACTER = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\u202a-\u202e\u2066-\u2069"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
              for plane in range(17))
    + "]")


def bad_character(text: str) -> tuple[int, str, str] | None:
    r"""(index, what it is, what to do) of the first character ``text`` may not hold.

    LuaLaTeX stops on a control character ("Text line contains an invalid
    character"), nothing can encode a lone surrogate, a noncharacter is no text
    at all, and a direction override makes the EPUB show other text than the PDF
    (U+202E turns "txt.exe" into "exe.txt"). Tabs and line breaks are allowed.

    >>> bad_character("Билим\u202eberүү")
    (5, 'the direction override U+202E', 'delete it (it makes the text show reversed)')
    >>> bad_character("a\tb\nc") is None
    True
    """
    m = _BAD_CHARACTER.search(text)
    if m is None:
        return None
    o = ord(m.group())
    if 0xD800 <= o <= 0xDFFF:
        return m.start(), "a lone surrogate, which is not a character", "retype the text"
    if o < 0xA0:
        return m.start(), f"the control character U+{o:04X}", "delete it"
    if 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        return (m.start(), f"the direction override U+{o:04X}",
                "delete it (it makes the text show reversed)")
    return m.start(), f"the noncharacter U+{o:04X}", "delete it"


def refuse_bad_characters(text: str, path: Path | str, error: type[BasmaError],
                          first_line: int = 1) -> None:
    """Raise ``error`` naming the line and column of the first ``bad_character``."""
    found = bad_character(text)
    if found is None:
        return
    at, what, hint = found
    line = first_line + text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    raise error(path, f"line {line}, column {column}: the text holds {what}", hint)


def clean_text(value: Any, limit: int = _LINE_TEXT) -> str:
    r"""One line of metadata text: numbers as written, whitespace runs as one space.

    Control characters, lone surrogates, noncharacters and direction overrides are
    refused: LuaLaTeX stops on the first, nothing can encode the second, and the
    last make an EPUB show other text than the PDF.

    >>> clean_text("  Trends\n  and   Problems ")
    'Trends and Problems'
    >>> clean_text("a\x07b")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.PydanticCustomError: holds the control character U+0007
    """
    if isinstance(value, bool):
        raise _bad(f"{value} is yes/no, not text", "put the text in quotes")
    if isinstance(value, _Sourced):
        value = value.yaml_text
    elif isinstance(value, int | float):
        value = str(value)
    elif isinstance(value, dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        kind = "a list" if isinstance(value, list) else "fields" if isinstance(value, dict) \
            else type(value).__name__
        raise _bad(f"should be text, not {kind}", "write the text on the same line")
    found = bad_character(value)
    if found is not None:
        raise _bad(f"holds {found[1]}", found[2])
    text = _BREAKS.sub(" ", value).strip(" ")
    if not text:
        raise _bad("is empty", "write the text, or leave the field out")
    if len(text) > limit:
        raise _bad(f"is {len(text)} characters long, more than the {limit} allowed",
                   "shorten it")
    return text


def _text(limit: int) -> BeforeValidator:
    return BeforeValidator(lambda v: clean_text(v, limit))


Text = Annotated[str, _text(_LINE_TEXT)]
ShortText = Annotated[str, _text(_SHORT_TEXT)]
LongText = Annotated[str, _text(_LONG_TEXT)]


def _lang(value: Any) -> str:
    if isinstance(value, str) and value in KNOWN_LANGS:
        return value
    raise _bad(f"unknown language {_shown(value)}",
               "use ky, ru or en (also kk, uz, tg, tr, de, fr, zh)")


def _name_lang(value: Any) -> str:
    return value if value == UNDETERMINED else _lang(value)


Lang = Annotated[str, BeforeValidator(_lang)]
NameLang = Annotated[str, BeforeValidator(_name_lang)]


def _per_lang(value: Any) -> Any:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad("should list one entry per language (ky:, ru:, en:)",
                   "write `ky: …` on the next line, indented")
    return value


def _name(value: Any) -> Any:
    """A name in several scripts (``ky:``, ``en:``), or plain text in none."""
    if isinstance(value, dict):
        return value
    return {UNDETERMINED: clean_text(value)}


PerLang = Annotated[dict[Lang, Text], BeforeValidator(_per_lang)]
PerLangLong = Annotated[dict[Lang, LongText], BeforeValidator(_per_lang)]
Name = Annotated[dict[NameLang, Text], BeforeValidator(_name)]


def split_keywords(value: Any) -> list[Any]:
    """Keywords as a list: a text is split at ``;`` if it has one, else at ``,``.

    >>> split_keywords("билим; мектеп, реформа")
    ['билим', 'мектеп, реформа']
    >>> split_keywords("education, school")
    ['education', 'school']
    """
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        raise _bad("should be a list of keywords, not fields",
                   "write them on one line separated by ; or as a `- ` list")
    text = clean_text(value, _LONG_TEXT)
    parts = text.split(";") if ";" in text else text.split(",")
    return [p.strip() for p in parts if p.strip()]


Keywords = Annotated[dict[Lang, Annotated[list[Text], BeforeValidator(split_keywords)]],
                     BeforeValidator(_per_lang)]


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")  # 01.02.2026, as Russian writes


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        year, month, day = value.year, value.month, value.day
    else:
        text = clean_text(value, _SHORT_TEXT)
        m = _ISO_DATE.fullmatch(text)
        d = _DOTTED_DATE.fullmatch(text)
        if m:
            year, month, day = map(int, m.groups())
        elif d:
            day, month, year = map(int, d.groups())
        else:
            raise _bad(f"{_shown(text)} is not a date", "write it as 2026-02-01")
        if not 1 <= month <= 12:
            raise _bad(f"{_shown(text)} has no month {month}", "write it as 2026-02-01")
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise _bad(f"{_shown(text)} is not a date: {calendar.month_name[month]} {year} "
                       f"has {last} days", "check the day")
    if not 1800 <= year <= 2200:
        raise _bad(f"the year {year} is out of range (1800–2200)", "check the year")
    return dt.date(year, month, day)


Date = Annotated[dt.date, BeforeValidator(_date)]


def _whole(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,9}\s*", value):
        return int(value)
    raise _bad(f"{_shown(value)} is not a whole number", "write it as a number, e.g. 12")


Whole = Annotated[int, BeforeValidator(_whole)]

_ORCID = re.compile(r"(?:https?://(?:www\.)?orcid\.org/)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])",
                    re.IGNORECASE)


def _matched(value: Any, pattern: re.Pattern[str], kind: str, example: str
             ) -> tuple[str, re.Match[str]]:
    """The text of an identifier and its match, or the error naming its form."""
    text = clean_text(value, 100)
    m = pattern.fullmatch(text)
    if not m:
        raise _bad(f"{_shown(text)} is not {kind}", f"write it as {example}")
    return text, m


def _orcid(value: Any) -> str:
    """An ORCID iD as its full URL; the check digit (ISO 7064 MOD 11-2) is verified.

    >>> _orcid("0000-0002-1825-0097")
    'https://orcid.org/0000-0002-1825-0097'
    """
    text, m = _matched(value, _ORCID, "an ORCID iD",
                       "0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097")
    digits = "".join(m.groups()).upper()
    if not mod_11_2.is_valid(digits):
        raise _bad(f"the ORCID iD {_shown(text)} has a wrong check digit (its last character)",
                   "copy the iD from the author's ORCID page")
    return "https://orcid.org/" + "-".join(digits[i:i + 4] for i in range(0, 16, 4))


_ROR = re.compile(r"(?:https?://ror\.org/)?(0[0-9a-hjkmnp-tv-z]{6})(\d{2})", re.IGNORECASE)
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def _ror(value: Any) -> str:
    """A ROR id as its full URL; the two check digits (ISO 7064 MOD 97-10) are verified
    over the number its six base-32 characters spell.

    >>> _ror("042nb2s44")
    'https://ror.org/042nb2s44'
    """
    text, m = _matched(value, _ROR, "a ROR id", "https://ror.org/042nb2s44")
    base, check = m.group(1).lower(), m.group(2)
    number = sum(_CROCKFORD.index(c) * 32 ** i for i, c in enumerate(reversed(base)))
    if mod_97_10.is_valid(f"{number}{check}"):
        return f"https://ror.org/{base}{check}"
    raise _bad(f"the ROR id {_shown(text)} has wrong check digits",
               "copy the id from the organisation's ror.org page")


_EMAIL = re.compile(r"[^@\s<>\"'(),;:\\\[\]]+@[^@\s<>\"'(),;:\\\[\]]+\.[A-Za-z]{2,}")


def _email(value: Any) -> str:
    text = clean_text(value, 254)
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not _EMAIL.fullmatch(text):
        raise _bad(f"{_shown(text)} is not an e-mail address", "write it as name@example.org")
    return text


_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>\\{}^`|]+")


def _doi(value: Any) -> str:
    """A DOI, bare (``10.NNNN/suffix``); a resolver URL or ``doi:`` prefix is taken off.

    >>> _doi("https://doi.org/10.99999/es.2026.12.2.45")
    '10.99999/es.2026.12.2.45'
    """
    text = clean_text(value, 300)
    bare = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", text, flags=re.IGNORECASE)
    if not _DOI.fullmatch(bare):
        raise _bad(f"{_shown(text)} is not a DOI", "write it as 10.NNNN/suffix")
    return bare


_ISSN_FORM = re.compile(r"\d{4}-\d{3}[\dX]")


def _issn(value: Any, info: ValidationInfo) -> str:
    """An ISSN as ``1234-567X``, its check digit verified by python-stdnum.

    A document.json that this pipeline wrote (``trusted``) was verified already:
    its form is checked, and the import of stdnum.issn (pydoc, ssl: 0.1 s) is
    saved in every command that reads the document.
    """
    text = clean_text(value, 40)
    if (info.context or {}).get("trusted") and _ISSN_FORM.fullmatch(text):
        return text
    from stdnum import issn as stdnum_issn

    try:
        return stdnum_issn.format(stdnum_issn.validate(text))
    except StdnumError as exc:
        raise _bad(f"ISSN {_shown(text)} is not valid ({exc})",
                   "write it as 1234-567X, as printed on the journal") from None


def _http_url(value: Any) -> str:
    """An http(s) address; anything else (``javascript:``, ``file:``) is refused."""
    text = clean_text(value, 2_000)
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc \
            or re.search(r"[\s\"<>\\^`{|}]", text):
        raise _bad(f"{_shown(text)} is not a web address",
                   "write a full address starting with https://")
    return text


Orcid = Annotated[str, BeforeValidator(_orcid)]
Ror = Annotated[str, BeforeValidator(_ror)]
Email = Annotated[str, BeforeValidator(_email)]
Doi = Annotated[str, BeforeValidator(_doi)]
Issn = Annotated[str, BeforeValidator(_issn)]
HttpUrl = Annotated[str, BeforeValidator(_http_url)]


# --- the models -------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise _bad(f"should be fields on indented lines, not {_shown(value)}",
                       "see the README's meta.yaml table")
        return value


def _in(names: dict[str, str], lang: str, *fallbacks: str) -> tuple[str, str] | None:
    """(language, text) of the first of ``lang``, ``fallbacks``, any, that is given."""
    for code in (lang, *fallbacks, UNDETERMINED):
        if names.get(code):
            return code, names[code]
    return next(iter(names.items()), None)


def _plain_if_undetermined(names: dict[str, str]) -> dict[str, str] | str:
    return names[UNDETERMINED] if set(names) == {UNDETERMINED} else names


class _Named(_Model):
    """A model whose ``name`` is text per language, or plain text in none."""

    @field_serializer("name", check_fields=False)
    def serialize_name(self, names: dict[str, str]) -> dict[str, str] | str:
        return _plain_if_undetermined(names)

    def display_name(self, lang: str) -> str:
        """The name in ``lang`` if given, else the English one, else as given."""
        found = _in(self.name, lang, "en")  # type: ignore[attr-defined]
        return found[1] if found else ""


class Journal(_Named):
    name: Name = Field(default_factory=dict)
    issn: Issn | None = None
    eissn: Issn | None = None
    publisher: Text | None = None
    url: HttpUrl | None = None


class Affiliation(_Named):
    name: Name
    ror: Ror | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        """Plain text, or names per language without ``name:``, is the name alone."""
        if isinstance(value, dict) and ("name" in value or "ror" in value):
            return value
        return {"name": value}



def _listed(value: Any) -> Any:
    """One affiliation may be given alone; several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class Author(_Named):
    name: Name
    affiliations: Annotated[list[Affiliation], BeforeValidator(_listed)] = Field(
        default_factory=list, validation_alias=AliasChoices("affiliations", "affiliation"))
    orcid: Orcid | None = None
    email: Email | None = None
    ror: Ror | None = None  # the author's organisation, when no affiliation carries it

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        """An author given as plain text is a name."""
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {"name": value}
        return value

    @property
    def orcid_id(self) -> str | None:
        """The bare iD (``0000-0002-1825-0097``), as printed."""
        return self.orcid.rsplit("/", 1)[-1] if self.orcid else None


class Meta(_Model):
    """The article's metadata; README.md's "meta.yaml" table describes every field."""

    language: Lang | None = None
    title: PerLang = Field(default_factory=dict)
    short_title: PerLang = Field(default_factory=dict)
    authors: list[Author] = Field(default_factory=list)
    abstract: PerLangLong = Field(default_factory=dict)
    keywords: Keywords = Field(default_factory=dict)
    journal: Journal | None = None
    volume: Annotated[Whole, Field(ge=1, le=9999)] | None = None
    issue: ShortText | None = None
    year: Annotated[Whole, Field(ge=1800, le=2200)] | None = None
    first_page: Annotated[Whole, Field(ge=1, le=99_999)] | None = None
    last_page: Annotated[Whole, Field(ge=1, le=99_999)] | None = None
    doi: Doi | None = None
    license: ShortText | None = None
    license_url: HttpUrl | None = None
    udc: ShortText | None = None
    received: Date | None = None
    accepted: Date | None = None
    published: Date | None = None

    @model_validator(mode="before")
    @classmethod
    def _pages(cls, value: Any) -> Any:
        """``pages: 45–50`` is short for ``first_page: 45`` and ``last_page: 50``."""
        if not isinstance(value, dict) or "pages" not in value:
            return value
        value = dict(value)
        pages = value.pop("pages")
        text = clean_text(pages, _SHORT_TEXT) if pages is not None else ""
        m = re.fullmatch(r"(\d{1,5})\s*(?:[-–—]\s*(\d{1,5}))?", text)
        if not m:
            raise _bad(f"pages {_shown(text)} is not a page range", "write it as 45–50",
                       at="pages")
        value.setdefault("first_page", int(m.group(1)))
        if m.group(2):
            value.setdefault("last_page", int(m.group(2)))
        return value

    @model_validator(mode="after")
    def _page_order(self) -> Meta:
        if self.first_page and self.last_page and self.last_page < self.first_page:
            raise _bad(f"last_page {self.last_page} comes before first_page {self.first_page}",
                       "check both page numbers", at="last_page")
        return self

    # -- what the writers ask

    def journal_name(self, lang: str) -> tuple[str, str] | None:
        """(language, name) of the journal for an edition in ``lang``: its own
        language's name, else the English one, else whichever is given."""
        if self.journal is None:
            return None
        return _in(self.journal.name, lang, "en")

    def publication_date(self) -> dt.date | None:
        """When the article was published: ``published``, else ``accepted``."""
        return self.published or self.accepted

    def keyword_list(self, lang: str) -> list[str]:
        return list(self.keywords.get(lang) or [])

    def keywords_joined(self, lang: str, sep: str = ", ") -> str:
        """The keywords of ``lang`` as one text: the only place they are joined."""
        return sep.join(self.keyword_list(lang))

    def as_json(self) -> dict[str, Any]:
        """The JSON object of document.json: dates as ISO text, empty fields left out."""
        return self.model_dump(mode="json", exclude_defaults=True)

    @classmethod
    def from_found(cls, found: Any, problems: list[str] | None = None,
                   trusted: bool = False) -> Meta:
        """A ``Meta`` from data the pipeline found (extraction, document.json).

        Unlike ``load_meta`` this never fails: a value that does not validate is
        left out and, if ``problems`` is given, recorded there for a person.
        ``trusted`` data was validated when it was written (document.json).
        """
        if isinstance(found, Meta):
            return found
        data = copy.deepcopy(found) if isinstance(found, dict) else {}
        for key in [k for k in data if k not in _KNOWN[Meta]]:
            del data[key]
            if problems is not None:
                problems.append(f"metadata found in the source: {key!r} is not a metadata "
                                "field; left out")
        for _ in range(200):  # each round removes one value; the bound is a safeguard
            try:
                return cls.model_validate(data, context={"trusted": trusted})
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = _error_loc(err)
                if not _drop_at(data, loc):
                    break
                if problems is not None:
                    problem, _hint = _describe(err)
                    problems.append(f"metadata found in the source: {_where(loc)}: {problem}; "
                                    "left out")
        return cls()


def merge(found: Meta, editor: Meta) -> Meta:
    """The editor's fields over what extraction found (a field given replaces it whole)."""
    return found.model_copy(update={name: getattr(editor, name)
                                    for name in editor.model_fields_set})


def _drop_at(data: Any, loc: tuple[Any, ...]) -> bool:
    """Remove the deepest existing value along ``loc`` (for ``Meta.from_found``)."""
    trail: list[tuple[Any, Any]] = []
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            trail.append((cur, part))
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            trail.append((cur, part))
            cur = cur[part]
        else:
            break
    if not trail:
        return False
    container, key = trail[-1]
    del container[key]
    return True


# --- errors and warnings with YAML lines ----------------------------------------------------

#: The fields each model accepts, aliases included, for unknown-key warnings.
_KNOWN: dict[type[BaseModel], set[str]] = {
    Meta: set(Meta.model_fields) | {"pages"},
    Journal: set(Journal.model_fields),
    Author: set(Author.model_fields) | {"affiliation"},
    Affiliation: set(Affiliation.model_fields),
}
#: Where nested models sit: field → (model, is a list).
_NESTED: dict[type[BaseModel], dict[str, tuple[type[BaseModel], bool]]] = {
    Meta: {"journal": (Journal, False), "authors": (Author, True)},
    Author: {"affiliation": (Affiliation, True), "affiliations": (Affiliation, True)},
}
#: pydantic names a field by its first alias; the YAML may use another.
_SYNONYMS = {"affiliations": ("affiliation",)}


def _warn_unknown(data: dict[str, Any], node: yaml.MappingNode, model: type[BaseModel],
                  path: Path | str, where: str = "") -> None:
    """Warn about (and drop) every unknown field, nested ones too, with a likely key."""
    known = _KNOWN[model]
    nodes = {k.value: (k, v) for k, v in node.value}
    for key in list(data):
        key_node, value_node = nodes[key]
        if key not in known:
            del data[key]
            guess = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]!r}?" if guess else "it is left out (see README.md)"
            print(f"warning: {path}: line {_line(key_node)}: unknown field {key!r}{where} "
                  f"— {hint}", file=sys.stderr)
            continue
        nested = _NESTED.get(model, {}).get(key)
        if nested is None:
            continue
        sub, many = nested
        items = list(zip(data[key], value_node.value, strict=True)) if (
            many and isinstance(data[key], list)) else [(data[key], value_node)]
        for i, (item, item_node) in enumerate(items, 1):
            # An affiliation given as names per language has language keys, not fields.
            if isinstance(item, dict) and isinstance(item_node, yaml.MappingNode) and (
                    sub is not Affiliation or "name" in item or "ror" in item):
                label = f" of {key} #{i}" if many else f" of {key}"
                _warn_unknown(item, item_node, sub, path, label)


def _error_loc(err: Any) -> tuple[Any, ...]:
    loc = tuple(err["loc"])
    at = (err.get("ctx") or {}).get("at")
    return loc + (at,) if at else loc


def _node_at(root: yaml.Node, loc: tuple[Any, ...]) -> yaml.Node:
    """The YAML node of a pydantic error location, as deep as the YAML goes."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for name in (part, *_SYNONYMS.get(part, ())):
                hit = next((v for k, v in node.value if k.value == name), None)
                if hit is not None:
                    node = hit
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and 0 <= part < len(node.value):
            node = node.value[part]
        elif part == 0 and not isinstance(node, yaml.SequenceNode):
            continue  # one value given alone where a list may stand (``_listed``)
        else:
            break
    return node


def _where(loc: tuple[Any, ...]) -> str:
    """``authors #2.orcid`` for ``('authors', 1, 'orcid')``; pydantic's own markers left out."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f" #{part + 1}"
        elif isinstance(part, str) and not part.startswith(("[", "function-")):
            out += ("." if out else "") + part
    return out or "meta.yaml"


def _describe(err: Any) -> tuple[str, str]:
    """(problem, hint) of one pydantic error, in the editor's words."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "basma":
        return ctx["problem"], ctx["hint"]
    value = err.get("input")
    if kind == "missing":
        return "is missing", "add it"
    if kind == "extra_forbidden":
        return "is not a field here", "remove it"
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = ctx.get("ge"), ctx.get("le")
        limit = f"at least {low}" if kind == "greater_than_equal" else f"at most {high}"
        return f"{_shown(value)} is out of range (it must be {limit})", "check the number"
    if kind in ("list_type",):
        return "should be a list (one `- ` line per entry)", "see the README's meta.yaml table"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "should be fields on indented lines", "see the README's meta.yaml table"
    return err["msg"], "see the README's meta.yaml table"


def meta_error(exc: ValidationError, root: yaml.Node, path: Path | str) -> MetaError:
    """The first error (by line) of a validation, as a one-line ``MetaError``."""
    found = []
    for err in exc.errors():
        loc = _error_loc(err)
        found.append((_line(_node_at(root, loc)), loc, err))
    line, loc, err = min(found, key=lambda f: f[0])
    problem, hint = _describe(err)
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return MetaError(path, f"line {line}: {_where(loc)}: {problem}{more}", hint)


def load_meta(text: str, path: Path | str = "meta.yaml") -> Meta:
    """``meta.yaml`` text as a ``Meta``; a mistake raises ``MetaError`` naming its line.

    Unknown fields are left out with a warning on stderr naming the likely field.

    >>> load_meta("year: 2026\\nreceived: 2026-02-01\\nudc: 37.0").received
    datetime.date(2026, 2, 1)
    """
    data, node = parse_yaml(text, path, check_text=False)
    if data is None:
        return Meta()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise MetaError(path, "line 1: expected fields like `title:` and `volume:`",
                        "see the README's meta.yaml table")
    _warn_unknown(data, node, Meta, path)
    try:
        return Meta.model_validate(data)
    except ValidationError as exc:
        raise meta_error(exc, node, path) from None
