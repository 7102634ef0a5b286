"""Letter facts of the journal's languages, in one place (as ftfy's ``chardata``).

Kyrgyz is Russian Cyrillic plus ң ө ү; legacy fonts put other code points in
their place. Everything that needs to know a letter's script or role reads it
from here, never from its own table: the cleaner (legacy slots, look-alikes,
invisible characters, private-use glyphs), the language tagger (Kyrgyz and
Kazakh evidence, vowel harmony), the hyphenator (vowels, consonants, long
vowels) and the LaTeX writer (which words are Kyrgyz words).

>>> "".join(c for c in KY_ALPHABET if c in KY_ONLY)
'ңөү'
>>> len(KY_ALPHABET), VOWELS | SIGNS | CONSONANTS == frozenset(KY_ALPHABET)
(36, True)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .symbolfonts import dingbat_table

# --- the Kyrgyz alphabet -----------------------------------------------------------------

#: The Kyrgyz alphabet in its order: Russian's 33 letters with ң after н, ө after о and
#: ү after у (the 1940 Cyrillic alphabet, still official).
KY_ALPHABET = "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя"
#: The three letters Kyrgyz adds to Russian: any one of them is evidence of Kyrgyz
#: (or Kazakh, which has ң ө ү too, see ``KK_STRONG``).
KY_ONLY = frozenset("ңөү")
#: ``KY_ONLY`` with its capitals, the form the tagger tests words against.
KY_LETTERS = KY_ONLY | frozenset(c.upper() for c in KY_ONLY)
#: The vowels; a syllable has exactly one (a long vowel counts as one). е ё ю я are
#: iotated (й + vowel) at a word's start but still one vowel.
VOWELS = frozenset("аэоөуүыиеёюя")
#: Vowel harmony: a native word's vowels are all back or all front (я, ю are й + а, у).
#: Loanwords break it, which is why harmony is only a vote in language id.
BACK_VOWELS = frozenset("аоуыяю")
FRONT_VOWELS = frozenset("еэиөү")
#: The soft and hard signs: no sound of their own, they occur only in Russian loans.
SIGNS = frozenset("ьъ")
#: The rest are consonants, ң and й among them (й never carries a syllable).
CONSONANTS = frozenset(KY_ALPHABET) - VOWELS - SIGNS
#: Kyrgyz writes its long vowels doubled (окуу, берүү, маалымат, ээ); Kazakh has none.
LONG_VOWELS = ("аа", "ээ", "оо", "өө", "уу", "үү", "ыы")
#: The vowel that, following a vowel, makes it one long vowel. The iotated letters count
#: too: ю + у is [j] + [uː] as in коюу, я + а as in жаянын.
LONG_PARTNER = {"а": "а", "э": "э", "о": "о", "ө": "ө", "у": "у", "ү": "ү",
                "я": "а", "ю": "у", "ё": "о", "е": "э"}
#: Letters that occur in Kyrgyz only in Russian loanwords (вагон, фабрика, цирк).
RUSSIAN_ROOT_LETTERS = frozenset("вфцщъьё")
#: A run of Kyrgyz letters, either case: what the LaTeX writer hands babel as a word.
KY_WORD = re.compile("[" + KY_ALPHABET + KY_ALPHABET.upper() + "]+")

# --- the neighbours: Kazakh, Ukrainian ---------------------------------------------------

#: Letters of the Kazakh alphabet that Kyrgyz does not have: any one of them rules
#: Kyrgyz out. і is kept apart because Ukrainian and Belarusian use it too.
KK_STRONG = frozenset("әғқұһӘҒҚҰҺ")
KK_WEAK = frozenset("іІ")
KK_LETTERS = KK_STRONG | KK_WEAK
#: Ukrainian's own letters: Ukrainian text has і on nearly every line, Kyrgyz never,
#: so they tell a real Ukrainian є ї from a legacy Kyrgyz font's.
UKRAINIAN_ONLY = frozenset("іІґҐ")
#: Lowercase letters of the journal's Cyrillic languages and of English: a line that
#: starts with one continues the sentence before it.
LOWERCASE = "a-z" + KY_ALPHABET + "".join(sorted(c for c in KK_LETTERS if c.islower()))

# --- legacy fonts ------------------------------------------------------------------------

#: The legacy-font letter that stands for ү in the seed's body font, and the real one.
LEGACY_UE, REAL_UE = "\u04a5", "\u04af"  # ҥ, ү
#: ҥ (U+04A5, "ligature en ghe", a letter of no Kyrgyz, Russian or English word) is
#: where a legacy Kyrgyz font put its ү glyph ...
LEGACY_UE_AS_UE = {"\u04a5": "\u04af", "\u04a4": "\u04ae"}  # ҥ → ү, Ҥ → Ү
#: ... and where some other fonts put ң: which one a font meant is decided per font.
LEGACY_UE_AS_NG = {"\u04a5": "\u04a3", "\u04a4": "\u04a2"}  # ҥ → ң, Ҥ → Ң
#: Before Unicode, Kyrgyz fonts sat on cp1251 and borrowed the slots of Ukrainian є ї
#: and Belarusian ў for ө ү ң.
CP1251_SLOTS = {"є": "ө", "ї": "ү", "ў": "ң", "Є": "Ө", "Ї": "Ү", "Ў": "Ң"}
#: Fonts and keyboard layouts that lacked ң used the Khanty "en with tail", drawn alike.
KHANTY_EN = {"\u04ca": "\u04a3", "\u04c9": "\u04a2"}  # ӊ → ң, Ӊ → Ң
#: Every legacy stand-in: as much evidence of Kyrgyz as the real letters.
KY_LEGACY = frozenset(LEGACY_UE_AS_UE) | frozenset(CP1251_SLOTS)
KY_EVIDENCE = KY_LETTERS | KY_LEGACY

# --- scripts and look-alikes -------------------------------------------------------------

# fmt: off
#: Unicode name prefixes of the scripts an article can contain, and their ISO 15924 codes.
_SCRIPT_PREFIXES = (
    ("LATIN", "Latn"), ("FULLWIDTH LATIN", "Latn"), ("CYRILLIC", "Cyrl"), ("GREEK", "Grek"),
    ("ARABIC", "Arab"), ("HEBREW", "Hebr"), ("GEORGIAN", "Geor"), ("ARMENIAN", "Armn"),
    ("CJK", "Hani"), ("HIRAGANA", "Hira"), ("KATAKANA", "Kana"), ("HANGUL", "Hang"),
    ("DEVANAGARI", "Deva"), ("THAI", "Thai"),
)
# fmt: on


@lru_cache(maxsize=4096)
def script_of(ch: str) -> str:
    """ISO 15924 code of a letter's script: "Zyyy" for non-letters, "Zzzz" if unknown.

    The one script detector: the cleaner's look-alike repair and the tagger's
    script runs both ask it, so they cannot disagree about a letter.

    >>> script_of("ү"), script_of("y"), script_of("λ"), script_of("5"), script_of("ʻ")
    ('Cyrl', 'Latn', 'Grek', 'Zyyy', 'Zyyy')
    """
    if not ch.isalpha():
        return "Zyyy"
    name = unicodedata.name(ch, "")
    for prefix, script in _SCRIPT_PREFIXES:
        if name.startswith(prefix):
            return script
    # Modifier letters (ʻ in Uzbek o‘) and ordinal indicators (ª) belong to no script.
    return "Zyyy" if name.startswith(("MODIFIER", "FEMININE", "MASCULINE")) else "Zzzz"


#: Cyrillic letters drawn like a basic Latin letter, and that letter: the pairs of
#: Unicode TR39's confusables between the two scripts, cut to basic Latin targets (a
#: small-capital ʙ is no repair), plus І Ӏ Һ, which TR39 pairs with another case. A
#: word mixing the scripts is respelt through this table (the seed's "Cyber Ноmе") and
#: the tagger uses it to tell which side of a mixed word is real. ``test_alphabet``
#: checks it against TR39.
LOOKALIKES = {
    "Ѕ": "S", "І": "I", "Ј": "J", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M",
    "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X",
    "а": "a", "г": "r", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "ѕ": "s", "і": "i", "ј": "j", "ѡ": "w", "Ѵ": "V", "ѵ": "v", "Ү": "Y", "ү": "y",
    "Һ": "H", "һ": "h", "ҽ": "e", "Ӏ": "I", "ӏ": "i", "ԁ": "d", "Ԍ": "G", "ԛ": "q",
    "Ԝ": "W", "ԝ": "w",
}
#: The direction the cleaner respells a Cyrillic look-alike in a Latin word.
TO_LATIN = LOOKALIKES
#: The reverse direction: where several Cyrillic letters look like one Latin letter
#: (y: у and ү), the one of lower code point, the Russian letter, wins.
TO_CYRILLIC: dict[str, str] = {}
for _cyr, _lat in sorted(LOOKALIKES.items()):
    TO_CYRILLIC.setdefault(_lat, _cyr)
del _cyr, _lat

# --- what is not text --------------------------------------------------------------------

#: Invisible debris: C0 and C1 controls (not tab, line feed, carriage return, which
#: mean spaces and breaks), the soft hyphen a typesetter's hyphenation leaves in a PDF's
#: text layer, zero-width space, word joiner and the byte-order mark; and what ftfy's
#: control-character list adds: deprecated format characters (U+206A–206F), interlinear
#: annotation marks (U+FFF9–FFFC), musical formatting (U+1D173–1D17A) and tag
#: characters (U+E0000–E007F).
INVISIBLE = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
                       "\u00ad\u200b\u2060\ufeff\u206a-\u206f\ufff9-\ufffc"
                       "\U0001d173-\U0001d17a\U000e0000-\U000e007f]")
#: Noncharacters (U+FDD0–FDEF and the last two code points of every plane) and lone
#: surrogates: Unicode promises they never stand for a character in interchanged text,
#: and no font has them.
NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff"
                          + "".join(f"{chr(p * 0x10000 + 0xfffe)}{chr(p * 0x10000 + 0xffff)}"
                                    for p in range(1, 17)) + "]")
#: Bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069). They reorder the
#: characters around them on screen, so "txt.exe" can show as "exe.txt" (the "Trojan
#: Source" spoof); the journal's right-to-left text is set by babel, not by them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR: a word processor's forced
#: breaks, inside what the extractor already gave as one line.
LINE_SEPARATORS = re.compile("[\u2028\u2029]")

# --- private-use glyphs of symbol fonts ---------------------------------------------------


def _encoding(start: int, chars: str) -> dict[int, str]:
    # "\0" marks a slot with no Unicode meaning (a glyph piece, an unused slot).
    return {start + i: c for i, c in enumerate(chars) if c != "\0"}


#: The Adobe Symbol font's encoding (Adobe's symbol.txt), byte → Unicode. Word and PDF
#: writers put a Symbol-font character at U+F000 + its byte, a private-use code point
#: that means nothing without the font: U+F0B7 is Word's default bullet •, U+F061 α.
#: 0x60 (radical extender) and 0xF0 (no glyph) stay unmapped. Greek capitals Delta and
#: Omega are the Greek letters, not the INCREMENT and OHM SIGN of symbol.txt: in an
#: article they are letters.
SYMBOL_ENCODING = {
    **_encoding(0x20, " !∀#∃%&∋()∗+,−./0123456789:;<=>?"),
    **_encoding(0x40, "≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_"),
    **_encoding(0x60, "\0αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼"),
    **_encoding(0xA0, "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…⏐⎯↵"),
    **_encoding(0xC0, "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓"),
    **_encoding(0xE0, "◊⟨®©™∑⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪\0⟩∫⌠⎮⌡⎞⎟⎠⎤⎥⎦⎫⎬⎭"),
}
#: Wingdings, Wingdings 2 and 3 and Webdings: ``symbolfonts`` (Unicode 7.0's table).
#: Where symbol fonts' characters land: U+F000 + byte (the range Word and the PDF
#: producers use for a symbol font without a Unicode map).
SYMBOL_FONT_PUA = range(0xF020, 0xF100)
#: Every private-use code point (the BMP's area and planes 15–16): its meaning is a
#: font's private matter, so none may pass silently.
PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")


@lru_cache(maxsize=64)
def symbol_font_table(font: str | None) -> tuple[str, dict[str, str]]:
    """The symbol font a font name is, and its private-use → Unicode table.

    A font that is neither a dingbat font (Wingdings, Wingdings 2 and 3, Webdings:
    Unicode 7.0's table, ``symbolfonts``) nor Symbol by name (or a text dump's unknown
    font) is read as Symbol: Word's default bullet and its Greek and math letters
    come from Symbol, far the commonest source of these code points.

    >>> name, table = symbol_font_table("ABCDEF+Wingdings-Regular")
    >>> name, table["\\uf0a7"]
    ('Wingdings', '▪')
    >>> name, table = symbol_font_table(None)
    >>> name, table["\\uf0b7"], table["\\uf061"], table["\\uf0ae"], table["\\uf0b4"]
    ('Symbol', '•', 'α', '→', '×')
    """
    name, encoding = dingbat_table(font) or ("Symbol", SYMBOL_ENCODING)
    return name, {chr(0xF000 + byte): ch for byte, ch in encoding.items()}
