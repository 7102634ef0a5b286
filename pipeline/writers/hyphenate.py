"""Rule-based Kyrgyz syllabification and hyphenation.

No hyphenation patterns for Kyrgyz exist for TeX, so the Kyrgyz text of the
journal is hyphenated from the spelling rules themselves: "Ташымал" (§78–81) of
*Кыргыз тилинин жазуу эрежелери* (the official rules of Kyrgyz spelling). The
result is handed to LuaLaTeX as ``\\babelhyphenation[kyrgyz]{...}`` exceptions
(see :func:`tex_exceptions`).

The rules, as implemented:

1. **A word breaks between syllables only.** A syllable has exactly one
   vowel (а э о ө у ү ы и е ё ю я). A doubled vowel — аа ээ оо өө уу үү — is one
   long vowel and is never split: ``тоо-лор``, ``ба-ла-луу-лар``, ``окуу-чу``.
   This holds in loanwords too (``коо-пе-ра-ция``, ``зоо-ло-гия``): the rule is
   about the written double vowel, and telling loans from native words is not
   something a spelling rule can rely on.
2. **Iotated vowels.** я ю е ё after a vowel (or after ь, ъ) stand for й + a
   vowel, so they begin a syllable: ``ба-ян-да-ма``, ``ти-е-ше-лүү``,
   ``про-ект``. ю followed by у is й + the long vowel уу (``ку-юу``, ``ко-юу``)
   and is one syllable, like any long vowel; likewise я+а, ё+о, е+э.
3. **Consonants between vowels.** A single consonant starts the next
   syllable (``ба-ла``). Of two or more consonants only the *last* starts the
   next syllable (``мек-теп``, ``кыр-гыз``, ``сту-дент-тер``). й is a consonant
   (``ки-йин``, ``пай-да``). **Cluster policy:** this "last consonant" rule is
   applied to loanwords as well, never keeping a loanword onset such as стр or
   ств together: ``конст-рук-тив``, ``агентст-во``,
   ``ми-нистр-лик``. A Kyrgyz syllable begins with at most one consonant, a
   native word never needs anything else, and the rule needs no list of
   loanwords; Russian rules accept such splits of a cluster as well. The one
   exception is a suffix boundary inside the cluster, which the rules prefer:
   ``Кыр-гыз-стан``, ``Өз-бек-стан`` (``CLUSTER_SUFFIXES``).
4. **ь and ъ stay with the consonant before them:** ``аль-бом``,
   ``фа-куль-тет``. Before a vowel they separate it (the vowel starts with й),
   so the break falls right after them: ``объ-ект``, ``подъ-езд``,
   ``компь-ю-тер``. A line never starts with ь or ъ.
5. **No single letter** is left at the end of a line or carried to the next:
   ``ата`` is not broken (not ``а-та``), ``уни-вер-си-тет`` (not ``у-ни-…``),
   ``тех-но-ло-гия`` (not ``…-ги-я``). A one-syllable word is never broken
   either.
6. **Compounds written with a hyphen:** the hyphen is itself a break
   point, and each part is hyphenated on its own by the rules above, including
   rule 5: ``үй-бү-лө``, ``ата-эне-лер``.

Only syllable boundaries are used; morpheme boundaries are not looked up (in
native words they mostly coincide: ``окуу-чу-лар``). Abbreviations are not
detected: a caller that knows a word is an abbreviation should not hyphenate it.
A word containing anything other than letters of the Kyrgyz alphabet and
hyphens — Latin, digits, punctuation, other Cyrillic letters such as a legacy
font's ҥ — gets no break points at all: a wrong break is worse than none.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable

from ..alphabet import KY_ALPHABET, LONG_PARTNER, SIGNS, VOWELS

SUPPORTED_LANGS = ("ky",)

#: Suffixes that begin with a consonant cluster; rule 3's "last consonant"
#: yields to them, so that the break falls at the morpheme boundary.
CLUSTER_SUFFIXES = ("стан",)
# The letters (vowels, signs, long-vowel partners) are alphabet's.
_LETTERS = frozenset(KY_ALPHABET)
_MIN_PIECE = 2  # letters on either side of a break (rule 5)


def _is_kyrgyz_letter(ch: str) -> bool:
    return ch.lower() in _LETTERS


def _nuclei(part: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the vowels (long vowels as one) of a lowercase part.

    >>> _nuclei("тоолор")
    [(1, 3), (4, 5)]
    >>> _nuclei("куюу")
    [(1, 2), (2, 4)]
    """
    spans = []
    i = 0
    while i < len(part):
        ch = part[i]
        if ch in VOWELS:
            long = i + 1 < len(part) and part[i + 1] == LONG_PARTNER.get(ch)
            end = i + 2 if long else i + 1
            spans.append((i, end))
            i = end
        else:
            i += 1
    return spans


def _part_breaks(part: str) -> list[int]:
    """Break offsets inside one hyphen-free part made of Kyrgyz letters only.

    >>> _part_breaks("мектеп")
    [3]
    >>> _part_breaks("ата")
    []
    """
    low = part.lower()
    breaks = []
    nuclei = _nuclei(low)
    for (_, left_end), (right_start, _) in zip(nuclei, nuclei[1:], strict=False):
        between = low[left_end:right_start]
        if not between or between[-1] in SIGNS:
            # Two vowels in a row, or a separating ь/ъ: the next syllable
            # starts with the (iotated) vowel itself.
            cut = right_start
        else:
            # Kyrgyz syllables begin with at most one consonant, unless the
            # cluster holds a suffix boundary (Кыргыз|стан): then it breaks there.
            cut = right_start - 1
            for suffix in CLUSTER_SUFFIXES:
                # Bounded to the cluster: an open search made a long word quadratic.
                at = low.find(suffix, left_end, right_start - 2 + len(suffix))
                if left_end < at < right_start - 1 and low.endswith(suffix, at, at + len(suffix)):
                    cut = at
                    break
        if cut >= _MIN_PIECE and len(part) - cut >= _MIN_PIECE:
            breaks.append(cut)
    return breaks


def break_points(word: str) -> list[int]:
    """Offsets ``i`` where a line may break between ``word[i-1]`` and ``word[i]``.

    For a compound written with a hyphen, the offset right after the hyphen is
    a break point too. Words that are not written in the Kyrgyz alphabet get
    none.

    >>> break_points("мектеп")
    [3]
    >>> break_points("балалуулар")
    [2, 4, 7]
    >>> break_points("ата")
    []
    >>> break_points("үй-бүлө")
    [3, 5]
    >>> break_points("объект")
    [3]
    >>> break_points("Kyrgyz"), break_points("2024-жыл")
    ([], [])
    """
    if not word or not all(ch == "-" or _is_kyrgyz_letter(ch) for ch in word):
        return []
    parts = word.split("-")
    letters = len(word) - word.count("-")
    points: list[int] = []
    start = 0
    for index, part in enumerate(parts):
        if index and part and parts[index - 1]:
            # Rule 5 holds at the compound's hyphen too: count the letters it
            # would leave on either line.
            before = start - word[:start].count("-")
            if min(before, letters - before) >= _MIN_PIECE:
                points.append(start)
        points.extend(start + cut for cut in _part_breaks(part))
        start += len(part) + 1
    return points


def hyphenate(word: str, lang: str = "ky") -> str:
    """The word with ``-`` at every break point; a compound's own hyphen shows once.

    >>> hyphenate("университет")
    'уни-вер-си-тет'
    >>> hyphenate("Кыргызстан")
    'Кыр-гыз-стан'
    >>> hyphenate("ата-энелер")
    'ата-эне-лер'
    >>> hyphenate("тоо")
    'тоо'
    >>> hyphenate("мектеп", lang="ru")
    Traceback (most recent call last):
    ...
    ValueError: hyphenation is supported for 'ky' only, not 'ru'
    """
    if lang not in SUPPORTED_LANGS:
        raise ValueError(f"hyphenation is supported for 'ky' only, not {lang!r}")
    pieces = []
    last = 0
    for point in break_points(word):
        pieces.append(word[last:point])
        last = point
    pieces.append(word[last:])
    out = pieces[0]
    for piece in pieces[1:]:
        out += piece if out.endswith("-") else "-" + piece
    return out


#: Longer "words" (a token without spaces) are no Kyrgyz words: they get no exception.
MAX_WORD = 64


def tex_exceptions(words: Iterable[str]) -> str:
    """The body of ``\\babelhyphenation[kyrgyz]{...}`` for these words.

    Every distinct lowercase word written in the Kyrgyz alphabet only (no
    hyphen, digit or Latin letter) appears once, sorted, with ``-`` at its
    break points. A word without break points appears without hyphens: for
    TeX that means "never break this word", which is what rule 5 asks of
    ``ата`` or ``тоо``.

    >>> tex_exceptions(["Мектеп", "ата", "мектеп", "үй-бүлө", "PhD", "тоолор"])
    'ата мек-теп тоо-лор'
    >>> tex_exceptions([])
    ''
    """
    unique = {word.lower() for word in words if word and len(word) <= MAX_WORD
              and all(_is_kyrgyz_letter(ch) for ch in word)}
    return " ".join(hyphenate(word) for word in sorted(unique))


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline hyphenate --lang ky WORD…``: print each word hyphenated.

    >>> main(["--lang", "ky", "мектеп", "ата"])
    мек-теп
    ата
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m pipeline hyphenate",
        description="Hyphenate words by the Kyrgyz spelling rules (ташымал).",
    )
    parser.add_argument("--lang", default="ky", help="language of the words (only 'ky')")
    parser.add_argument("words", nargs="+", metavar="WORD", help="a word to hyphenate")
    args = parser.parse_args(argv)
    if args.lang not in SUPPORTED_LANGS:
        print(
            f"error: hyphenation is supported for 'ky' only, not {args.lang!r}",
            file=sys.stderr,
        )
        return 2
    for word in args.words:
        print(hyphenate(word, args.lang))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
