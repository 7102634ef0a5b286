"""The cleaner's repairs, one small function each (in the manner of ftfy's fixes.py).

Every function states the real-world cause of the defect it repairs and shows
examples. They are pure ``str -> str`` functions (or, for decisions, functions
that return a choice with its evidence); ``plan.PLAN`` puts them in order and
``clean`` applies it, recording every change they make. The letters they know
about are ``alphabet``'s.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from .. import alphabet

# --- invisible debris -----------------------------------------------------------

def remove_control_chars(text: str) -> str:
    """Drop NUL bytes, C0/C1 controls, BOMs, soft hyphens and zero-width spaces.

    Cause: files saved by Windows tools carry a BOM; PDF text layers keep the
    soft hyphens (U+00AD) of the typesetter's hyphenation and stray control
    codes of broken font maps. None of them is text a reader sees.

    >>> remove_control_chars("\\ufeffби\\u00adлим\\x00")
    'билим'
    """
    return alphabet.INVISIBLE.sub("", text)


def remove_noncharacters(text: str) -> str:
    """Drop noncharacters (U+FFFE, U+FFFF, U+FDD0–FDEF, …) and lone surrogates.

    Cause: a broken font map or a bad conversion writes code points that Unicode
    reserves as never being text (U+FFFF is a common "no glyph" value of PDF
    producers); no font has a glyph for them and LuaLaTeX refuses them.

    >>> remove_noncharacters("би\uffffлим\ufdd0 " + chr(0xD800) + "берүү")
    'билим берүү'
    """
    return alphabet.NONCHARACTER.sub("", text)


def remove_bidi_controls(text: str) -> str:
    """Drop bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069).

    Cause: pasted from a web page or planted: they reorder the text around them
    on screen, so what the editor proofreads is not what the file says ("Trojan
    Source"). The journal sets right-to-left text by language, not by them.

    >>> remove_bidi_controls("файл\u202eфдп.exe\u202c")
    'файлфдп.exe'
    """
    return alphabet.BIDI_CONTROLS.sub("", text)


def normalize_line_separators(text: str) -> str:
    """Replace U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR by a space.

    Cause: a word processor's forced line break (Shift+Enter) exported as a
    character inside a line; it is a break the layout already made, so within
    a line it means only the space between two words.

    >>> normalize_line_separators("билим\u2028берүү\u2029системасы")
    'билим берүү системасы'
    """
    return alphabet.LINE_SEPARATORS.sub(" ", text)


# --- mojibake -------------------------------------------------------------------

@cache
def _ftfy():
    # Imported on first use: the report reads the plan's titles without needing ftfy.
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,  # "&amp;" typed by an author is the author's text
        uncurl_quotes=False,  # typographic quotes are the author's choice
        fix_line_breaks=False,
        remove_control_chars=False,  # our own step, so each removal is recorded as such
        explain=False,
    )
    return lambda text: ftfy.fix_text(text, config)


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as cp1251, cp1252 or latin-1 on the way.

    Cause: a file passed through a tool that guessed the wrong encoding, e.g. an
    export from an old Windows system. ftfy detects the round trip and undoes it,
    and it also expands the Latin ligatures (ﬁ → fi) that PDFs carry.

    >>> fix_mojibake("Р‘РёР»РёРј Р±РµСЂТЇТЇ")
    'Билим берүү'
    >>> fix_mojibake("Ð‘Ð¸Ð»Ð¸Ð¼")
    'Билим'
    >>> fix_mojibake("«ёлочки» – as written")
    '«ёлочки» – as written'
    """
    if text.isascii():
        return text
    return _ftfy()(text)


# --- legacy Kyrgyz fonts ----------------------------------------------------------

_LEGACY_UE = str.maketrans(alphabet.LEGACY_UE_AS_UE)
_LEGACY_UE_AS_NG = str.maketrans(alphabet.LEGACY_UE_AS_NG)
_CP1251_SLOTS = str.maketrans(alphabet.CP1251_SLOTS)
_KHANTY_EN = str.maketrans(alphabet.KHANTY_EN)


def remap_legacy_ue(text: str, to_ng: bool = False) -> str:
    """Replace ҥ (U+04A5, a letter of no Kyrgyz, Russian or English word) by ү.

    Cause: a legacy Kyrgyz font put the ү glyph in the slot of ҥ ("ligature en
    ghe"), so the PDF's text layer says ҥ where the page shows ү. Some fonts
    used the slot for ң instead; ``decide_legacy_ue`` picks which per font.

    >>> remap_legacy_ue("билим берҥҥ")
    'билим берүү'
    >>> remap_legacy_ue("Ҥй-бҥлө")
    'Үй-бүлө'
    >>> remap_legacy_ue("деҥгээл", to_ng=True)
    'деңгээл'
    """
    return text.translate(_LEGACY_UE_AS_NG if to_ng else _LEGACY_UE)


def remap_cp1251_slots(text: str) -> str:
    """Replace є ї ў (and capitals) by ө ү ң.

    Cause: before Unicode, Kyrgyz fonts sat on cp1251 and borrowed the slots of
    Ukrainian є ї and Belarusian ў for ө ү ң. Only applied to text that is
    otherwise Kyrgyz (see ``decide_cp1251_slots``): real Ukrainian keeps them.

    >>> remap_cp1251_slots("Кыргызстандын єнїгїшї, жаўы")
    'Кыргызстандын өнүгүшү, жаңы'
    """
    return text.translate(_CP1251_SLOTS)


def remap_khanty_en(text: str) -> str:
    """Replace ӊ (U+04CA, Khanty "en with tail") by ң.

    Cause: fonts and keyboard layouts that lacked ң used the Khanty letter,
    which looks the same. It belongs to no Kyrgyz, Russian or English word.

    >>> remap_khanty_en("жаӊы деӊгээл")
    'жаңы деңгээл'
    """
    return text.translate(_KHANTY_EN)


@dataclass
class Decision:
    """A choice the cleaner made for one font or the whole document, with why."""

    apply: bool
    target: str
    evidence: str


def decide_legacy_ue(text: str, vocabulary: Counter[str]) -> Decision:
    """Decide whether ҥ in ``text`` (one font's text) stands for ү or for ң.

    Evidence, in order of strength:

    * phonotactics: Kyrgyz has long vowels (үү) but never ңң, and ү fills vowel
      slots (between consonants, after a consonant at a word's end) where ң can't;
    * the document: which repaired form of each word occurs elsewhere, spelt
      right in another font.

    >>> decide_legacy_ue("берҥҥ кҥндө", Counter()).target
    'ү'
    >>> decide_legacy_ue("деҥиз", Counter({"деңиз": 2})).target
    'ң'
    """
    vote_ue = vote_ng = 0
    lowered = text.lower()
    legacy = alphabet.LEGACY_UE
    vote_ue += 3 * lowered.count(legacy * 2)
    for m in re.finditer(f"(.){legacy}(.?)", lowered):
        before, after = m.group(1), m.group(2)
        vowels = alphabet.VOWELS
        if before.isalpha() and before not in vowels and (not after or after not in vowels):
            vote_ue += 1  # a vowel slot: consonant + ҥ + consonant/end
    seen_ue = seen_ng = 0
    for word in set(re.findall(rf"\w*{legacy}\w*", lowered)):
        if vocabulary[remap_legacy_ue(word)]:
            seen_ue += 1
        if vocabulary[remap_legacy_ue(word, to_ng=True)]:
            seen_ng += 1
    vote_ue += 2 * seen_ue
    vote_ng += 2 * seen_ng
    target = "ү" if vote_ue >= vote_ng else "ң"
    evidence = (
        f"{lowered.count(legacy)} × ҥ; doubled ҥҥ {lowered.count(legacy * 2)} times "
        f"(ңң never occurs in Kyrgyz); words found elsewhere spelt with ү: {seen_ue}, "
        f"with ң: {seen_ng}; score ү {vote_ue} : ң {vote_ng}"
    )
    return Decision(True, target, evidence)


#: How likely Kyrgyz the model must find a font's remapped text: below it, on a few
#: letters of debris, the scores are noise and the letters are left as written.
MIN_KY_PROBABILITY = 0.2


def decide_cp1251_slots(
    text: str, scores: Callable[[str], dict[str, float]] | None = None
) -> Decision:
    """Decide whether є ї ў in one font's text are Kyrgyz ө ү ң.

    Ukrainian uses і on nearly every line and Belarusian too; Kyrgyz never does.
    With a language model (``scores``: text → probabilities), the letters are
    remapped only when the remapped text is likelier Kyrgyz than the text as
    written is Ukrainian or Belarusian, and plausibly Kyrgyz at all
    (``MIN_KY_PROBABILITY``).

    >>> decide_cp1251_slots("Кыргызстандын єнїгїшї").apply
    True
    >>> decide_cp1251_slots("Україна є незалежною і демократичною").apply
    False
    """
    slots = sum(text.count(c) for c in alphabet.CP1251_SLOTS)
    ukr_i = sum(text.count(c) for c in alphabet.UKRAINIAN_ONLY)
    apply = slots > 0 and ukr_i == 0
    evidence = f"{slots} × є/ї/ў, {ukr_i} × Ukrainian і/ґ"
    if apply and scores is not None:
        as_written, remapped = scores(text), scores(remap_cp1251_slots(text))
        p_slav = as_written.get("uk", 0.0) + as_written.get("be", 0.0)
        p_ky = remapped.get("ky", 0.0)
        apply = p_ky > p_slav and p_ky >= MIN_KY_PROBABILITY
        evidence += f"; model: remapped text is Kyrgyz {p_ky:.2f}, as written Ukrainian or " \
                    f"Belarusian {p_slav:.2f}"
    return Decision(apply, "ө/ү/ң", evidence)


@dataclass
class FontVerdict:
    """What a per-font step decided: how to remap the font's runs (or not), and why."""

    remap: Callable[[str], str] | None = None
    decisions: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)


def remap_legacy_glyphs(
    font: str, text: str, vocabulary: Counter[str],
    scores: Callable[[str], dict[str, float]] | None = None,
) -> FontVerdict:
    """Decide, for one font's text, what its legacy letters stand for; remap them.

    Cause: legacy Kyrgyz fonts drew ү (or ң) in the slot of ҥ, and ө ү ң in the
    cp1251 slots of є ї ў; which one a font meant is read from its own text.

    Each font gets its verdict (``decide_legacy_ue``, ``decide_cp1251_slots``).
    ``vocabulary`` counts the words spelt right anywhere; ``scores`` is the
    language model, asked only when є ї ў occur.

    >>> v = remap_legacy_glyphs("Body", "билим берҥҥ", Counter())
    >>> v.remap("кҥн"), v.decisions[0].split(" — ")[0]
    ('күн', 'Body: ҥ stands for ү')
    >>> remap_legacy_glyphs("Body", "билим берүү", Counter()).remap is None
    True
    """
    verdict = FontVerdict()
    steps: list[Callable[[str], str]] = []
    if alphabet.LEGACY_UE in text.lower():
        d = decide_legacy_ue(text, vocabulary)
        to_ng = d.target == "ң"
        verdict.decisions.append(f"{font}: ҥ stands for {d.target} — {d.evidence}")
        steps.append(lambda t: remap_legacy_ue(t, to_ng=to_ng))
        # є ї ў are judged on the text as the ҥ repair leaves it, as a second
        # cleaning would see it.
        text = fix_homoglyphs(remap_legacy_ue(text, to_ng=to_ng))
    if any(c in text for c in alphabet.CP1251_SLOTS):
        d = decide_cp1251_slots(text, scores)
        what = "are ө/ү/ң" if d.apply else "are left as written (Ukrainian text)"
        verdict.decisions.append(f"{font}: є/ї/ў {what} — {d.evidence}")
        if d.apply:
            steps.append(remap_cp1251_slots)
    if steps:
        def remap(t: str) -> str:
            for step in steps:
                t = step(t)
            return t
        verdict.remap = remap
    return verdict


def map_private_use(font: str, text: str, vocabulary: Counter[str],
                    scores: Callable[[str], dict[str, float]] | None = None) -> FontVerdict:
    """Replace a symbol font's private-use code points by the characters they show.

    Cause: Word and PDF producers write a Symbol or Wingdings character without a
    Unicode map as U+F000 + its byte in the font, a private-use code point: the
    list bullet U+F0B7 is •, U+F061 is α. A private-use character of unknown
    meaning is kept and listed for the editor, never dropped.

    The font's name says which table (``alphabet.symbol_font_table``).

    >>> v = map_private_use("SymbolMT", "\uf0b7 α\uf0ae\uf0b4 2 \ue123", Counter())
    >>> v.remap("\uf0b7 x\uf0ae\uf0b4 2 \ue123") == "• x→× 2 \ue123"
    True
    >>> v.undecided
    ['SymbolMT: private-use U+E123 (1×) has no known meaning; kept as it is']
    """
    found = alphabet.PRIVATE_USE.findall(text)
    if not found:
        return FontVerdict()
    name, table = alphabet.symbol_font_table(font)
    verdict = FontVerdict()
    known = [c for c in found if c in table]
    if known:
        # A font not named as a symbol font (or a text dump's) is read as Symbol.
        how = (", assumed: the font's name does not say" if name == "Symbol"
               and "symbol" not in font.lower() else "")
        verdict.decisions.append(
            f"{font}: {len(known)} private-use characters read as the {name} font's "
            f"({', '.join(sorted({f'U+{ord(c):04X} {table[c]}' for c in known}))}){how}")
        mapping = str.maketrans(table)
        verdict.remap = lambda t: t.translate(mapping)
    for c, n in sorted(Counter(c for c in found if c not in table).items()):
        verdict.undecided.append(
            f"{font}: private-use U+{ord(c):04X} ({n}×) has no known meaning; kept as it is")
    return verdict


# --- look-alike letters -------------------------------------------------------------


_LETTER_RUN = re.compile(r"[^\W\d_]+")


def fix_homoglyphs(text: str) -> str:
    """Respell words that mix Latin and Cyrillic look-alike letters in one script.

    Cause: text typed with the keyboard layout switched mid-word, or copied from
    a source that "fixed" letters; the seed has "Cyber Ноmе" with Cyrillic Н, о,
    е. A word is respelt toward the script whose letters cannot be respelt (m has
    no Cyrillic twin); when both could, toward the script of the words around it.
    A word whose letters of both scripts have no twins (a formula, a code) is
    mixed on purpose and stays.

    >>> fix_homoglyphs("Cyber Ноmе Learning System")
    'Cyber Home Learning System'
    >>> fix_homoglyphs("Бишкек шаарындагы мектеп")  # Latin 'a', 'e' inside
    'Бишкек шаарындагы мектеп'
    >>> fix_homoglyphs("LMS-тин")
    'LMS-тин'
    """
    to_latin, to_cyrillic, script = alphabet.TO_LATIN, alphabet.TO_CYRILLIC, alphabet.script_of
    runs = list(_LETTER_RUN.finditer(text))
    scripts = [
        {s for s in map(script, m.group()) if s in ("Cyrl", "Latn")} for m in runs
    ]
    out = []
    pos = 0
    for i, m in enumerate(runs):
        word = m.group()
        if scripts[i] != {"Cyrl", "Latn"}:
            continue
        cyr = [c for c in word if script(c) == "Cyrl"]
        lat = [c for c in word if script(c) == "Latn"]
        cyr_ok = all(c in to_latin for c in cyr)
        lat_ok = all(c in to_cyrillic for c in lat)
        if cyr_ok and lat_ok:
            context = Counter(
                s for j in range(max(0, i - 3), min(len(runs), i + 4)) if j != i
                for s in scripts[j] if len(scripts[j]) == 1
            )
            target = "Latn" if context["Latn"] > context["Cyrl"] else "Cyrl"
            if context["Latn"] == context["Cyrl"]:
                target = "Latn" if len(lat) > len(cyr) else "Cyrl"
        elif cyr_ok:
            target = "Latn"
        elif lat_ok:
            target = "Cyrl"
        else:
            continue  # mixed on purpose
        table = to_latin if target == "Latn" else to_cyrillic
        fixed = "".join(table.get(c, c) if script(c) != target else c for c in word)
        out.append(text[pos : m.start()])
        out.append(fixed)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


# --- typography -------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u2000-\u200a\u202f\u205f\u3000]+")
#: "%" is not here: Russian typography spaces it ("78 %", GOST 8.417), and the
#: source's choice stays (``tie_no_break_spaces`` makes the space a thin tie).
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\w) +([,.;:!?)\]»])(?=\s|$|[,.;:!?)\]»])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[«]) +(?=\w)")
_DASH_AFTER_CYRILLIC = re.compile(r"(?<=[\u0400-\u04ff0-9»)\]]) ([–—])(?= )")


def normalize_spaces(text: str) -> str:
    """Collapse runs of spaces and odd space characters to one space; trim the ends.

    Cause: justified PDF lines and bullets ("–  ") leave double or thin spaces.

    >>> normalize_spaces("  адам   капиталы\\u2009– бул ")
    'адам капиталы – бул'
    """
    return _SPACES.sub(" ", text).strip()


def count_space_runs(text: str) -> int:
    """How many runs of two or more spaces ``normalize_spaces`` collapses in ``text``.

    >>> count_space_runs("адам   капиталы  – бул")
    2
    """
    return len(re.findall(r"\s{2,}", text))


def remove_space_before_punctuation(text: str) -> str:
    """Remove a space before , . ; : ! ? ) ] » and after ( [ «.

    Cause: extraction puts a gap before punctuation that was kerned close.

    >>> remove_space_before_punctuation("сайт ; бул ( жана ) «  сөз »")
    'сайт; бул (жана) «сөз»'
    """
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    return re.sub(r"(?<=\w) +(»)", r"\1", text)


_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_NBSP = "\u00a0"
_THIN_NBSP = "\u202f"  # narrow no-break space: Russian "78 %"
#: Spaces that become ties: after an initial before another initial or a surname
#: ("И.Д. Фрумин", "И. Д. Фрумин"), before a surname's initials ("Фрумин И.Д."),
#: before a citation bracket ("text [10]"), after a page, volume or number label
#: before its number ("С. 15–22", "Т. 12", "№ 2", "pp. 45"), between a number and
#: its unit or year mark ("5 кг", "2019 г."), and after a one-letter Russian or
#: Kyrgyz word ("в Кыргызстане", "и", "с", "к", "у", "о", "а").
_KY_EXTRA = "\u04a3\u04a2\u04af\u04ae\u04e9\u04e8"  # ң ү ө, lower and upper
_TIES = [re.compile(p) for p in (
    rf"(?<=\b[А-ЯЁA-Z]\.) (?=[А-ЯЁA-Z]\.|[А-ЯЁA-Z][а-яёa-z{_KY_EXTRA}-])",
    rf"(?<=[а-яёa-z{_KY_EXTRA}]{{2}}) (?=[А-ЯЁA-Z]\.\s?[А-ЯЁA-Z]\.)",
    r"(?<=\S) (?=\[\d)",
    r"(?:(?<![\w.][СсТтPp]\.)(?<=[СсТтPp]\.)|(?<=\bpp\.)|(?<=\bVol\.)|(?<=\bNo\.)|(?<=\bvol\.)"
    r"|(?<=\bno\.)|(?<=\bгл\.)|(?<=\bрис\.)|(?<=\bFig\.)|(?<=№)) (?=\d)",
    rf"(?<=\d) (?=(?:кг|км|см|мм|млн|млрд|тыс|руб|сом|ч|мин|сек|г|гг|ж|м|kg|km|cm|mm|m|h|s)"
    rf"(?![\w{_KY_EXTRA}]))",
    rf"(?<![\w{_KY_EXTRA}-][вВиИсСкКуУоОаА])(?<=[вВиИсСкКуУоОаА]) (?=[\w«({_KY_EXTRA}])",
)]
_PERCENT_SPACE = re.compile(r"(?<=\d)[ \u00a0](?=%)")


#: Languages written in Cyrillic whose typography follows the Russian conventions.
CYRILLIC_LANGS = frozenset({"ky", "ru", "kk", "uk", "be", "tg", "tt", "ba", "mn", "bg", "sr"})


def _cyrillic(text: str, lang: str | None = None) -> bool:
    """Whether a block follows Cyrillic typography: by its language where it is known,
    else by the script most of its letters are in."""
    if lang and lang != "und":
        return lang.split("-")[0] in CYRILLIC_LANGS
    return len(_CYRILLIC_LETTER.findall(text)) > len(_LATIN_LETTER.findall(text))


def tie_no_break_spaces(text: str, lang: str | None = None) -> str:
    """Turn the spaces a line must not break at into no-break spaces (ties).

    Cause: Russian and Kyrgyz typography keeps an initial with its surname, a
    citation with its word, a label with its number, a number with its unit and
    a one-letter word with the word after it; the extraction gives plain spaces.
    The space of "78 %" becomes the narrow no-break space the Russian convention
    wants in Cyrillic text, a no-break space elsewhere.

    >>> def shown(text): return text.replace("\u00a0", "~").replace("\u202f", "^")
    >>> shown(tie_no_break_spaces("И.Д. Фрумин в Кыргызстане [10], С. 15–22, 78 %."))
    'И.Д.~Фрумин в~Кыргызстане~[10], С.~15–22, 78^%.'
    >>> shown(tie_no_break_spaces("Фрумин И. Д. пишет"))
    'Фрумин~И.~Д. пишет'
    >>> shown(tie_no_break_spaces("growth of 78 % [3], pp. 4 and 5 kg"))
    'growth of 78~%~[3], pp.~4 and 5~kg'
    """
    for tie in _TIES:
        text = tie.sub(_NBSP, text)
    return _PERCENT_SPACE.sub(_THIN_NBSP if _cyrillic(text, lang) else _NBSP, text)


#: A dash between spaces (or a hyphen standing for one): a punctuation dash.
_SPACED_DASH = re.compile(r"(?<=\S)([ \u00a0])[–—-](?= )")


def unify_dashes(text: str, lang: str | None = None) -> str:
    """One dash style per language: a spaced em dash in Cyrillic text, a spaced
    en dash in Latin text; ranges ("15–22") keep their en dash.

    Cause: sources mix "—", "–" and a spaced hyphen in one paragraph; Russian and
    Kyrgyz typography sets the punctuation dash as a spaced em dash, English
    style guides (Oxford, Chicago's British usage) a spaced en dash.

    >>> unify_dashes("адам – бул, а - это — то")
    'адам — бул, а — это — то'
    >>> unify_dashes("it is — as ever - late, 15–22")
    'it is – as ever – late, 15–22'
    >>> unify_dashes("Mektep – school", lang="ky")
    'Mektep — school'
    """
    dash = "—" if _cyrillic(text, lang) else "–"
    return _SPACED_DASH.sub(lambda m: m.group(1) + dash, text)


def nbsp_before_dash(text: str) -> str:
    """Tie a spaced dash to the word before it with a no-break space.

    Cause: Russian and Kyrgyz typography never starts a line with a dash
    ("капиталы – бул"); the tie keeps the dash at the end of the line.

    >>> nbsp_before_dash("адам капиталы – бул") == "адам капиталы\\u00a0– бул"
    True
    >>> nbsp_before_dash("– виртуалдык класстар")
    '– виртуалдык класстар'
    """
    return _DASH_AFTER_CYRILLIC.sub("\u00a0\\1", text)


# --- lines into paragraphs ----------------------------------------------------------------

#: Dashes and bullets that open a list item; "1)" and "a)" numbered items. Word's
#: Wingdings bullets as Unicode 7.0 maps them (``symbolfonts``: "l" ⚫, "n" ◼, "q" ❑,
#: "v" ❖, "u" ◆, "Ø" ⮚) and as other fonts draw them (● ■ ➢); not its ticks and boxes,
#: which a survey's reader needs to see.
BULLET = re.compile(r"^\s*(?P<b>[–—•·▪◦‣*⚫●◼■❑❖◆⮚➢-]|\d{1,2}[.)](?=\s)|[а-яa-z]\))\s+(?=\S)")
#: A line ending in one of these can end a paragraph.
TERMINAL = tuple(".!?:;…»\"”")
#: Lines starting with these continue the sentence before them.
CONTINUATION = re.compile(rf"^[\s]*([{alphabet.LOWERCASE}]|[.,;:!?)\]»%])")
#: Compound-word first halves that keep their hyphen at a line end. Prefixes
#: written solid (видеолекция, мультимедиа, постиндустриалдык) are not here.
COMPOUND_PREFIXES = frozenset(
    """веб онлайн офлайн интернет экс вице илимий научно социально культурно учебно
    историко экономико военно ӱй үй ата эне кыз эл""".split()
)


def split_bullet(text: str) -> tuple[str | None, str]:
    """Split a list marker from the start of a line.

    Cause: list items arrive with their dash or number as text; the model keeps
    the item's text and the renderers draw the marker.

    >>> split_bullet("–  бардык билим берүү мекемелери")
    ('–', 'бардык билим берүү мекемелери')
    >>> split_bullet("1) биринчи")
    ('1)', 'биринчи')
    >>> split_bullet("Адам – өзүн")
    (None, 'Адам – өзүн')
    """
    m = BULLET.match(text)
    if not m:
        return None, text
    return m.group("b"), text[m.end() :]


def keep_line_end_hyphen(head: str, tail: str, vocabulary: Counter[str]) -> tuple[bool, str]:
    """Decide whether "head-" at a line end and "tail" on the next line keep the hyphen.

    Cause: a typesetter's hyphenation splits words at line ends, but real
    compounds (үй-бүлө, веб-конференция) are split at their own hyphen too.

    The document decides where it can: the joined or the hyphenated form occurring
    elsewhere, a number before the hyphen (1969-жылы), a prefix that takes a
    hyphen, or both halves being words of their own (мамлекеттик-коомдук).
    Without evidence the hyphen goes, since hyphenation is far commoner than a
    compound falling at a line end; such choices are listed for the editor.
    ``vocabulary`` must not count the broken halves themselves.
    Returns the choice and the evidence.

    >>> keep_line_end_hyphen("үй", "бүлөнүн", Counter())[0]
    True
    >>> keep_line_end_hyphen("би", "лимдин", Counter({"билимдин": 3}))[0]
    False
    >>> keep_line_end_hyphen("кара", "та", Counter({"кара": 2}))[0]
    False
    >>> keep_line_end_hyphen("1969", "жылы", Counter())[0]
    True
    """
    h, t = head.lower(), tail.lower()
    joined, hyphened = h + t, h + "-" + t
    n_joined, n_hyph = vocabulary[joined], vocabulary[hyphened]
    if n_hyph > n_joined:
        return True, f"«{hyphened}» occurs {n_hyph}× elsewhere, «{joined}» {n_joined}×"
    if n_joined > n_hyph:
        return False, f"«{joined}» occurs {n_joined}× elsewhere, «{hyphened}» {n_hyph}×"
    if h[-1:].isdigit():
        return True, f"«{h}-» is a number joined to a word"
    if h in COMPOUND_PREFIXES:
        return True, f"«{h}-» is a compound prefix"
    if len(h) >= 3 and len(t) >= 3 and vocabulary[h] and vocabulary[t]:
        return True, f"«{h}» and «{t}» are words of their own"
    return False, "no evidence either way: joined, as hyphenation is likelier than a compound"


def vocabulary_of(texts: Iterable[str]) -> Counter[str]:
    """Word counts of a document, lowercased, hyphenated compounds kept whole."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w.lower() for w in re.findall(r"\w+(?:-\w+)*", text))
    return counts
