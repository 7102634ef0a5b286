"""Confusion matrix of ``pipeline.langid.identify`` over the test corpora.

Run ``python tests/langid_report.py``: it prints a Markdown table (rows: the true
language, i.e. the corpus file; columns: the language ``identify`` returned), the
accuracy per language, and every misclassified line.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = Path(__file__).resolve().parent / "data" / "langid"
#: The corpora, in the order of the table's rows.
LANGS = ("ky", "ru", "en", "kk")


def load_corpus(lang: str) -> list[str]:
    """The non-empty lines of ``tests/data/langid/<lang>.txt``."""
    text = (CORPUS_DIR / f"{lang}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def confusion() -> tuple[dict[str, Counter[str]], list[tuple[str, str, str]]]:
    """Counts of predicted languages per true language, and the misclassified lines."""
    from pipeline.tag.langid import identify

    matrix: dict[str, Counter[str]] = {}
    errors = []
    for lang in LANGS:
        matrix[lang] = Counter()
        for line in load_corpus(lang):
            got = identify(line)
            matrix[lang][got] += 1
            if got != lang:
                errors.append((lang, got, line))
    return matrix, errors


def render(matrix: dict[str, Counter[str]]) -> str:
    """The matrix as a Markdown table, with a column of accuracy per row."""
    predicted = list(LANGS) + sorted({p for row in matrix.values() for p in row} - set(LANGS))
    lines = [
        "| true \\ predicted | " + " | ".join(predicted) + " | n | accuracy |",
        "|---|" + "---:|" * (len(predicted) + 2),
    ]
    for lang, row in matrix.items():
        n = sum(row.values())
        cells = " | ".join(str(row.get(p, 0)) for p in predicted)
        lines.append(f"| **{lang}** | {cells} | {n} | {row.get(lang, 0) / n:.1%} |")
    return "\n".join(lines)


def main() -> int:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    matrix, errors = confusion()
    print(render(matrix))
    print()
    for lang, row in matrix.items():
        n = sum(row.values())
        print(f"- {lang}: {row.get(lang, 0)}/{n} = {row.get(lang, 0) / n:.1%}")
    if errors:
        print("\nMisclassified:")
        for lang, got, line in errors:
            print(f"- {lang} → {got}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
