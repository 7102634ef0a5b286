"""Kyrgyz hyphenation against a hand-made list, and one test per spelling rule."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.writers.hyphenate import break_points, hyphenate, main, tex_exceptions

ROOT = Path(__file__).resolve().parent.parent
HAND_LIST = Path(__file__).resolve().parent / "data" / "hyphenation_ky.txt"
VOWELS = set("аэоөуүыиеёюяАЭОӨУҮЫИЕЁЮЯ")


def hand_entries() -> list[tuple[str, str]]:
    """(word, expected hyphenation) pairs; "=" in the file is a compound's own hyphen."""
    entries = []
    for line in HAND_LIST.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word = line.replace("-", "").replace("=", "-")
        entries.append((word, line.replace("=", "-")))
    return entries


def test_agreement_with_hand_list():
    entries = hand_entries()
    assert len(entries) >= 170  # an agreement over a few words would prove nothing
    disagreements = [
        f"{word}: expected {expected}, got {got}"
        for word, expected in entries
        if (got := hyphenate(word)) != expected
    ]
    agreement = 1 - len(disagreements) / len(entries)
    assert agreement >= 0.98, f"agreement {agreement:.1%} over {len(entries)} words:\n" + "\n".join(
        disagreements
    )


@pytest.mark.parametrize(
    "word, expected",
    [
        ("тоолор", "тоо-лор"),
        ("балалуулар", "ба-ла-луу-лар"),
        ("окуучу", "окуу-чу"),
        ("маалымат", "маа-лы-мат"),
        ("деңгээли", "дең-гээ-ли"),
        ("өнүгүү", "өнү-гүү"),
        ("ээси", "ээ-си"),
        ("коюу", "ко-юу"),
    ],
)
def test_long_vowels_are_never_split(word, expected):
    assert hyphenate(word) == expected


def test_no_long_vowel_is_split_anywhere_in_the_hand_list():
    long_vowels = ("аа", "ээ", "оо", "өө", "уу", "үү")
    for word, _ in hand_entries():
        low = word.lower()
        for point in break_points(word):
            assert low[point - 1 : point + 1] not in long_vowels, (word, point)


@pytest.mark.parametrize(
    "word, expected",
    [
        ("ата", "ата"),
        ("эне", "эне"),
        ("окуу", "окуу"),
        ("адамдар", "адам-дар"),
        ("айыл", "айыл"),
        ("университет", "уни-вер-си-тет"),
        ("технология", "тех-но-ло-гия"),
        ("Азия", "Азия"),
        ("семья", "семья"),
    ],
)
def test_no_single_letter_piece(word, expected):
    assert hyphenate(word) == expected


def test_no_single_letter_piece_anywhere_in_the_hand_list():
    for word, _ in hand_entries():
        for part_start, part in _parts(word):
            for point in break_points(word):
                if part_start < point < part_start + len(part):
                    cut = point - part_start
                    assert cut >= 2 and len(part) - cut >= 2, (word, point)


def _parts(word: str) -> list[tuple[int, str]]:
    parts, start = [], 0
    for part in word.split("-"):
        parts.append((start, part))
        start += len(part) + 1
    return parts


@pytest.mark.parametrize(
    "word", ["тоо", "суу", "саат", "үй", "сөз", "күн", "жээк", "төрт", "спорт", "текст", "съезд"]
)
def test_one_syllable_words_are_not_broken(word):
    assert break_points(word) == []
    assert hyphenate(word) == word


@pytest.mark.parametrize(
    "word, expected",
    [
        ("мектеп", "мек-теп"),
        ("балдар", "бал-дар"),
        ("студенттер", "сту-дент-тер"),
        ("Будапешттеги", "Бу-да-пешт-те-ги"),
        ("агентство", "агентст-во"),
        ("Кыргызстан", "Кыр-гыз-стан"),
        ("министрлик", "ми-нистр-лик"),
        ("кийин", "ки-йин"),
        ("пайда", "пай-да"),
    ],
)
def test_last_consonant_of_a_cluster_starts_the_next_syllable(word, expected):
    assert hyphenate(word) == expected


@pytest.mark.parametrize(
    "word, expected",
    [
        ("баяндама", "ба-ян-да-ма"),
        ("тиешелүү", "ти-е-ше-лүү"),
        ("проект", "про-ект"),
        ("технологиялар", "тех-но-ло-ги-я-лар"),
    ],
)
def test_iotated_vowel_after_a_vowel_starts_a_syllable(word, expected):
    assert hyphenate(word) == expected


@pytest.mark.parametrize(
    "word, expected",
    [
        ("альбом", "аль-бом"),
        ("факультет", "фа-куль-тет"),
        ("фильмдер", "фильм-дер"),
        ("объект", "объ-ект"),
        ("подъезд", "подъ-езд"),
        ("компьютер", "компь-ю-тер"),
    ],
)
def test_soft_and_hard_signs_stay_with_the_consonant_before(word, expected):
    assert hyphenate(word) == expected


def test_no_line_starts_with_a_sign_anywhere_in_the_hand_list():
    for word, _ in hand_entries():
        for point in break_points(word):
            assert word[point].lower() not in "ьъ", (word, point)


def test_every_piece_has_a_vowel():
    for word, _ in hand_entries():
        for piece in hyphenate(word).split("-"):
            assert any(ch in VOWELS for ch in piece), (word, piece)


@pytest.mark.parametrize(
    "word, points, expected",
    [
        ("үй-бүлө", [3, 5], "үй-бү-лө"),
        ("ата-эне", [4], "ата-эне"),
        ("ата-энелер", [4, 7], "ата-эне-лер"),
        ("Ысык-Көл", [5], "Ысык-Көл"),
        ("илимий-техникалык", [3, 7, 10, 12, 14], "или-мий-тех-ни-ка-лык"),
    ],
)
def test_compounds_break_after_their_hyphen_and_inside_each_part(word, points, expected):
    assert break_points(word) == points
    assert hyphenate(word) == expected


def test_compound_hyphen_leaves_no_single_letter():
    # "а-" alone at the end of a line would be a single letter.
    assert break_points("а-бала") == [4]
    assert break_points("бала-ы") == [2]
    assert hyphenate("а-бала") == "а-ба-ла"


def test_capitalised_words_keep_their_case():
    assert hyphenate("Бишкек") == "Биш-кек"
    assert hyphenate("Ааламдык") == "Аа-лам-дык"
    assert hyphenate("ОКУУЧУЛАР") == "ОКУУ-ЧУ-ЛАР"


@pytest.mark.parametrize("word", ["Kyrgyz", "2024-жыл", "PhD", "мек-tep", "сөз,", "", "берҥҥ"])
def test_words_not_in_the_kyrgyz_alphabet_get_no_breaks(word):
    assert break_points(word) == []
    assert hyphenate(word) == word


def test_break_points_are_sorted_and_inside_the_word():
    for word, _ in hand_entries():
        points = break_points(word)
        assert points == sorted(set(points))
        assert all(0 < point < len(word) for point in points)


def test_other_languages_are_refused():
    with pytest.raises(ValueError):
        hyphenate("мектеп", lang="ru")
    with pytest.raises(ValueError):
        hyphenate("school", lang="en")


def test_tex_exceptions_format():
    body = tex_exceptions(
        ["Мектеп", "мектеп", "ата", "тоолор", "үй-бүлө", "PhD", "2024", "тоо", "Кыргызстан"]
    )
    assert body == "ата кыр-гыз-стан мек-теп тоо тоо-лор"


def test_tex_exceptions_is_deterministic():
    words = [word for word, _ in hand_entries()]
    body = tex_exceptions(words)
    assert body == tex_exceptions(reversed(words)) == tex_exceptions(set(words))
    entries = body.split(" ")
    plain = [entry.replace("-", "") for entry in entries]
    assert plain == sorted(set(plain))
    assert all(entry == entry.lower() for entry in entries)
    # A compound has a hyphen of its own and is left to TeX.
    assert "үйбүлө" not in plain and "үй-бү-лө" not in entries
    # Unbreakable words are listed too, written whole.
    assert "ата" in entries and "тоо" in entries


def test_main_prints_one_word_per_line(capsys):
    assert main(["--lang", "ky", "мектеп", "ата", "үй-бүлө"]) == 0
    assert capsys.readouterr().out == "мек-теп\nата\nүй-бү-лө\n"


def test_main_rejects_other_languages(capsys):
    assert main(["--lang", "ru", "мектеп"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert captured.err.count("\n") == 1


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "hyphenate", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_cli_subprocess():
    result = _run_cli("--lang", "ky", "университет", "Кыргызстан", "тоо")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["уни-вер-си-тет", "Кыр-гыз-стан", "тоо"]


def test_cli_subprocess_unknown_language():
    result = _run_cli("--lang", "xx", "мектеп")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
