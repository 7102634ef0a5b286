"""Never an internal error (issue 14): the text stages on real articles and their wreckage.

Every stage of ``TEXT_STAGES`` either hands on a valid result (a ``Document`` that
``validate`` accepts, and that reads back from its JSON as make passes it on) or
refuses with a ``BasmaError`` whose one line is ``error: <file>: <what> — <hint>``.
Anything else is what the command line would print as ``internal error``, and
fails here with the file, the stage and where it was raised.

Inputs: a few pages of every corpus PDF, the first and those where the reference
list starts (see ``corpus_lines``), through every stage; damaged stretches of
their extracted lines, from the clean stage on; the same for the seed's text
dump, and stretches of the dump's own text from extraction on. The examples are
derandomized: every run draws the same ones. ``BASMA_FUZZ_EXAMPLES=N`` (``make
bench``) draws N per input instead of four, and then also shrinks a failing
example to a small one.
"""

from __future__ import annotations

import copy
import os
import re
import traceback
from typing import Any

import pytest
from conftest import ROOT, SEED_ID
from corpus_lines import CORPUS, corpus_files, damaged_extraction, few_pages
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from pipeline.document import EditorFiles
from pipeline.errors import BasmaError
from pipeline.model import (
    Cleaned,
    Document,
    Extraction,
    cleaned_from_json,
    document_from_json,
    extraction_from_json,
    to_json,
    validate,
)
from pipeline.readers import extract
from pipeline.stages import TEXT_STAGES, Stage

SEED = ROOT / "input" / SEED_ID / "source.txt"
#: The seed's meta.yaml, merged over what each damaged stretch yields (not its
#: corrections: on a stretch they would rightly refuse to match).
SEED_META = EditorFiles(meta=SEED.with_name("meta.yaml"))
MESSAGE = re.compile(r"^error: (?P<file>\S.*?): (?P<what>\S.*?) — (?P<hint>\S.*)$")

#: Examples per input: a few in ``make test``, as many as asked for in ``make bench``.
LONG_RUN = "BASMA_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("BASMA_FUZZ_EXAMPLES", "4"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,  # no replay of an earlier run's failures: every run draws the same
    # Shrinking reruns the stages hundreds of times; in the short run the failing
    # example is reported as drawn, with its description.
    phases=tuple(Phase) if LONG_RUN else (Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FROM_JSON = {Extraction: extraction_from_json, Cleaned: cleaned_from_json,
             Document: document_from_json}
EXPECTED = {"extract": Extraction, "clean": Cleaned, "segment": Document, "tag": Document,
            "document": Document}


class InternalError(AssertionError):
    """A stage raised what the command line would print as ``internal error``."""


def where_raised(exc: BaseException) -> str:
    """The innermost frames of the traceback in the project's own code (the pipeline,
    or a stage a test defines), library frames left out: where to look."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/pipeline/" in f.filename or "/tests/" in f.filename] or frames
    return " <- ".join(f"{f.filename.split('/pipeline/')[-1]}:{f.lineno} {f.name}"
                       for f in reversed(ours[-4:]))


def check_result(stage: str, value: Any) -> None:
    """A stage's result is of its type, valid, and reads back from its JSON (make hands
    it on as a file); the published document reads back as it was written.

    An intermediate document's ``meta`` is what extraction found, checked only when
    it is read (an unreadable date is dropped then, and named in ``problems``): it
    need not come back the same.
    """
    kind = EXPECTED[stage]
    assert isinstance(value, kind), f"{stage} returned a {type(value).__name__}"
    if isinstance(value, Document):
        validate(value)
    text = to_json(value)
    again = to_json(FROM_JSON[kind](text))
    if stage == "document":
        assert again == text, "document.json does not read back as it was written"


def run_stage(stage: Stage, value: Any, name: str, editor: EditorFiles | None = None) -> Any:
    """One stage's checked result, or its refusal (a ``BasmaError``), returned.

    The document stage gets the editor's files when there are any (the seed's).

    Any other exception, or a result that fails its check, raises
    ``InternalError`` naming the file and the stage.
    """
    try:
        value = stage.apply(value, name, editor)
    except BasmaError as exc:
        line = exc.one_line()
        assert MESSAGE.match(line), f"{name}: {stage.name}: not a one-line error: {line!r}"
        return exc
    except Exception as exc:  # noqa: BLE001 - this is what the test is looking for
        raise InternalError(f"{name}: {stage.name}: {type(exc).__name__}: {exc} "
                            f"(at {where_raised(exc)})") from exc
    try:
        check_result(stage.name, value)
    except (AssertionError, ValueError, TypeError, KeyError) as exc:
        raise InternalError(f"{name}: {stage.name}: invalid result: "
                            f"{type(exc).__name__}: {exc}") from exc
    return value


def run_from(first: str, value: Any, name: str, editor: EditorFiles | None = None) -> Any:
    """The text stages from ``first`` to the end: the document, or the refusal."""
    names = [s.name for s in TEXT_STAGES]
    for stage in TEXT_STAGES[names.index(first):]:
        value = run_stage(stage, value, name, editor)
        if isinstance(value, BasmaError):
            break
    return value


# --- the corpus ---------------------------------------------------------------------------

FILES = corpus_files()
NO_CORPUS = pytest.mark.skipif(not FILES, reason=f"no corpus at {CORPUS}")
#: One parameter per corpus file; a single skipped one when there is no corpus.
PARAMS = [pytest.param(p.name, id=p.name) for p in FILES] or [
    pytest.param("", id="no-corpus", marks=NO_CORPUS)]


@pytest.fixture(scope="session")
def corpus_extractions() -> dict[str, Any]:
    """Each corpus file's few pages through the extract stage, once a session (the
    slow part): its extraction, its refusal, or the ``InternalError`` it met, for
    the tests of that file to judge."""
    outcome: dict[str, Any] = {}
    for path in FILES:
        try:
            outcome[path.name] = run_stage(TEXT_STAGES[0], few_pages(path), path.name)
        except InternalError as exc:
            outcome[path.name] = exc
    return outcome


def extraction_of(outcomes: dict[str, Any], name: str) -> Extraction | None:
    """The file's extraction; ``None`` if it was refused; the extract stage's crash raised."""
    result = outcomes[name]
    if isinstance(result, InternalError):
        raise result
    return None if isinstance(result, BasmaError) else result


@pytest.mark.parametrize("name", PARAMS)
def test_corpus_pages_never_give_an_internal_error(corpus_extractions, name):
    ex = extraction_of(corpus_extractions, name)
    if ex is not None:
        run_from("clean", copy.deepcopy(ex), name)


@pytest.mark.parametrize("name", PARAMS)
@FUZZ
@given(data=st.data())
def test_damaged_corpus_lines_never_give_an_internal_error(corpus_extractions, name, data):
    ex = extraction_of(corpus_extractions, name)
    if ex is None:
        return
    damaged, told = data.draw(damaged_extraction(ex), label="damage")
    note(f"{name}: " + "; ".join(told))
    run_from("clean", damaged, name)


# --- the seed's text dump -------------------------------------------------------------------


@pytest.fixture(scope="session")
def seed_extraction() -> Extraction:
    return extract(SEED.read_bytes(), SEED.name)


@FUZZ
@given(data=st.data())
def test_damaged_seed_lines_never_give_an_internal_error(seed_extraction, data):
    damaged, told = data.draw(damaged_extraction(seed_extraction), label="damage")
    note("seed: " + "; ".join(told))
    run_from("clean", damaged, SEED.name, SEED_META)


SEED_TEXT = SEED.read_text(encoding="utf-8").split("\n")


@FUZZ
@given(start=st.integers(0, len(SEED_TEXT)), length=st.integers(0, len(SEED_TEXT)),
       cut=st.integers(0, 200))
def test_stretches_of_the_seed_dump_never_give_an_internal_error(start, length, cut):
    """From extraction on: any stretch of the dump's lines, its first line cut anywhere."""
    lines = SEED_TEXT[start:start + length]
    if lines:
        lines[0] = lines[0][min(cut, len(lines[0])):]
    run_from("extract", "\n".join(lines).encode("utf-8"), SEED.name, SEED_META)


# --- the harness itself: a crash cannot pass unseen ------------------------------------------


def crash_on_purpose(value: Any) -> Any:
    raise ValueError("block 'ref-2': duplicate id")


def refuse_on_purpose(value: Any) -> Any:
    raise BasmaError("x.pdf", "the PDF is damaged", "send the file again")


def duplicate_ids_on_purpose(value: Any) -> Document:
    from pipeline.model import Block

    return Document({}, [Block("ref-2", "reference", "en", "A"),
                         Block("ref-2", "reference", "en", "B")])


def on_purpose(function: str) -> Stage:
    return Stage("segment", f"{__name__}:{function}", "Cleaned", "Document", "segment.json", "")


def test_a_crash_names_the_file_the_stage_and_where():
    with pytest.raises(InternalError, match=r"^x\.pdf: segment: ValueError: block 'ref-2': "
                                            r"duplicate id \(at .*crash_on_purpose"):
        run_stage(on_purpose("crash_on_purpose"), None, "x.pdf")


def test_an_invalid_document_is_an_internal_error():
    with pytest.raises(InternalError, match="invalid result: ValueError: block 'ref-2'"):
        run_stage(on_purpose("duplicate_ids_on_purpose"), None, "x.pdf")


def test_a_refusal_is_returned_with_its_one_line():
    refusal = run_stage(on_purpose("refuse_on_purpose"), None, "x.pdf")
    assert isinstance(refusal, BasmaError)
    assert MESSAGE.match(refusal.one_line())
