"""The letter facts in ``pipeline.alphabet``: checked against Unicode's own data."""

import unicodedata

import pytest

from pipeline import alphabet
from pipeline.tag import langid
from pipeline.writers import hyphenate

#: Pairs TR39 gives with a letter of another case (І, Ӏ ~ l) or not at all (Һ), kept
#: because the capital Latin letter is what they are drawn like.
NOT_IN_TR39 = {"І": "I", "Ӏ": "I", "Һ": "H"}


def test_lookalikes_are_tr39_confusables():
    from confusable_homoglyphs import confusables

    for cyr, lat in alphabet.LOOKALIKES.items():
        assert alphabet.script_of(cyr) == "Cyrl" and alphabet.script_of(lat) == "Latn"
        assert lat.isascii() and unicodedata.category(cyr) == unicodedata.category(lat)
        if NOT_IN_TR39.get(cyr) == lat:
            continue
        found = confusables.is_confusable(cyr, preferred_aliases=["latin"], greedy=True) or []
        assert lat in {g["c"] for item in found for g in item["homoglyphs"]}, (cyr, lat)


def test_lookalike_directions_agree():
    for lat, cyr in alphabet.TO_CYRILLIC.items():
        assert alphabet.TO_LATIN[cyr] == lat
    assert alphabet.TO_CYRILLIC["y"] == "у"  # the Russian letter, not Kyrgyz ү


def test_the_tagger_and_the_cleaner_share_one_table():
    assert langid._CYRL_LOOKALIKE == frozenset(alphabet.TO_LATIN)
    assert langid._LATN_LOOKALIKE == frozenset(alphabet.TO_CYRILLIC)
    assert langid.letter_script is alphabet.script_of


def test_kyrgyz_alphabet_and_its_classes():
    letters = frozenset(alphabet.KY_ALPHABET)
    assert len(letters) == 36 and alphabet.VOWELS < letters and alphabet.SIGNS < letters
    assert alphabet.BACK_VOWELS | alphabet.FRONT_VOWELS <= alphabet.VOWELS
    assert not alphabet.BACK_VOWELS & alphabet.FRONT_VOWELS
    assert all(v[0] in alphabet.VOWELS and v[0] == v[1] for v in alphabet.LONG_VOWELS)
    assert set(alphabet.LONG_PARTNER.values()) <= alphabet.VOWELS
    # The hyphenator reads them: a long vowel (уу) is one nucleus, not two syllables.
    assert hyphenate.hyphenate("окуучулар") == "окуу-чу-лар"
    assert hyphenate.VOWELS is alphabet.VOWELS


def test_legacy_slots_are_not_kyrgyz_letters_and_map_to_them():
    for table in (alphabet.LEGACY_UE_AS_UE, alphabet.LEGACY_UE_AS_NG, alphabet.CP1251_SLOTS,
                  alphabet.KHANTY_EN):
        for old, new in table.items():
            assert old.lower() not in alphabet.KY_ALPHABET
            assert new.lower() in alphabet.KY_ONLY
            assert old.isupper() == new.isupper()
    assert alphabet.KY_LEGACY == frozenset("ҥєїўҤЄЇЎ")
    assert not alphabet.KK_STRONG & frozenset(alphabet.KY_ALPHABET + alphabet.KY_ALPHABET.upper())


@pytest.mark.parametrize(("code", "meaning"), [
    (0xF0B7, "•"), (0xF061, "α"), (0xF0AE, "→"), (0xF0B4, "×"), (0xF0D7, "⋅"),
    (0xF0B1, "±"), (0xF0A3, "≤"), (0xF057, "Ω"), (0xF0E5, "∑"), (0xF0F2, "∫"),
])
def test_symbol_font_private_use(code, meaning):
    assert alphabet.symbol_font_table("SymbolMT")[1][chr(code)] == meaning


def test_symbol_tables_give_real_characters():
    for font in ("Symbol", "Wingdings"):
        name, table = alphabet.symbol_font_table(font)
        assert name == font and table
        for pua, ch in table.items():
            assert ord(pua) in alphabet.SYMBOL_FONT_PUA and alphabet.PRIVATE_USE.match(pua)
            assert len(ch) == 1 and not alphabet.PRIVATE_USE.match(ch)
            assert unicodedata.category(ch)[0] in "LNPSZ", (hex(ord(pua)), ch)
    # Greek letters in their Symbol-encoding order: a→α … z→ζ.
    greek = "".join(alphabet.SYMBOL_ENCODING[c] for c in range(0x61, 0x7B))
    assert greek == "αβχδεφγηιϕκλμνοπθρστυϖωξψζ"


@pytest.mark.parametrize(("ch", "kind"), [
    ("\ufffe", alphabet.NONCHARACTER), ("\U0010ffff", alphabet.NONCHARACTER),
    ("\ufdef", alphabet.NONCHARACTER), ("\u202e", alphabet.BIDI_CONTROLS),
    ("\u2067", alphabet.BIDI_CONTROLS), ("\u2028", alphabet.LINE_SEPARATORS),
    ("\x1b", alphabet.INVISIBLE), ("\u0085", alphabet.INVISIBLE), ("\U000e0041",
                                                                   alphabet.INVISIBLE),
])
def test_not_text_characters(ch, kind):
    assert kind.fullmatch(ch)


def test_real_text_is_none_of_the_debris():
    text = "Билим берүү, ﬁ α → • \u200d\u200f\t"  # ZWJ and RLM are kept: they shape text
    for pattern in (alphabet.NONCHARACTER, alphabet.BIDI_CONTROLS, alphabet.LINE_SEPARATORS,
                    alphabet.INVISIBLE, alphabet.PRIVATE_USE):
        assert not pattern.search(text), pattern
