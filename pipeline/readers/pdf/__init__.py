"""PDF reading for the extract stage: characters → lines → columns → reading order.

pdfplumber gives characters with their font and position; everything else is
decided from geometry, because journal PDFs break naive text extraction. One
module per concern:

* ``clustering``: overprinted (fake-bold) duplicate characters dropped, characters
  clustered into rows by baseline, raised markers put back on their row;
* ``words``: a row into words and runs; justified lines carry no space glyphs, so
  every line sets its own word-gap threshold from the histogram of its gaps;
  once every page is read, the formula runs the glyphs alone do not show
  (``mark_formulas``: a font the document uses only for lone formula letters,
  operator names and formula-only fonts beside a formula, display lines);
* ``layout``: a gutter is an x that a run of consecutive rows leaves empty, with
  text on both sides (a page may have several: three columns); rows that cross
  it (title, abstracts) are read whole, in place; then the reading order,
  column by column;
* ``furniture``: the outermost row at the top or bottom of a page, set apart
  from the text, that is a page number, recurs on other pages or (at the top)
  is set smaller or in italic;
* ``paragraphs``: the evidence for where paragraphs start (indent, white, size,
  a heading's bold or larger style, across page and column breaks too);
* ``footnotes``: smaller lines that close a column at the foot of the page and
  start with a note number the text refers to (or carry a note over from the
  page before), handed on line by line for the cleaner to join;
* ``encoding``: fonts without a ToUnicode map whose codes pdfminer cannot read
  (8-bit Cyrillic LaTeX fonts) are decoded with the code page the evidence favours
  (known words first; the language model only for fonts they leave undecided);
* ``ocr``: a PDF without a text layer goes through Tesseract (kir+rus+eng) page
  by page when it is installed; otherwise the editor is told so. So does a page
  whose text layer is mostly non-words (known words: ``pipeline.lexicon``), and
  the likelier of the two readings is kept;
* ``objects`` (with ``figures``, ``tables``, ``equations``): figures, ruled and
  unruled tables taken out of a page's rows before its lines are made, display
  formulas out of each flow, each put back as one object line in its place with
  its caption beside it.

Here: opening the file (pdfminer's failures become one-line input errors)
and the order of the steps. Pages are read one at a time: a page's characters
(small dicts, ``geometry.slim_chars``) become light ``PageLine``
objects (runs of text and a bounding box) and are
released before the next page is read, so memory follows the text, not the PDF.
"""

from __future__ import annotations

import io
import logging
from collections import Counter

from ...errors import InputError
from ...model import Extraction, Line
from .encoding import FontCodes
from .footnotes import count_notes, footnote_start, note_lines
from .furniture import furniture
from .geometry import Page, PageLine, slim_chars
from .layout import adopt_gutter, column_widths, reading_order
from .objects import (
    FoundObjects,
    captions,
    expand,
    mark_displays,
    object_counts,
    page_objects,
    place_objects,
)
from .ocr import ocr, reread_junk_pages
from .paragraphs import model_lines, pitches
from .words import mark_formulas

__all__ = ["MAX_PAGES", "read_pdf"]

#: Refuse PDFs longer than this rather than run for hours on a mistaken upload.
MAX_PAGES = 2000


def _open_error(exc: Exception, name: str) -> InputError:
    """The one-line error for a PDF that pdfplumber cannot open."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSEOF

    cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) or "password" in str(
            cause).lower():
        return InputError(name, "the PDF is encrypted", "send a copy without a password")
    if isinstance(cause, PDFSyntaxError | PSEOF):
        return InputError(name, "the PDF is damaged or incomplete",
                          "send the file again (it may have been cut off)")
    return InputError(name, f"the PDF cannot be read ({type(cause).__name__})",
                      "send the file again or export it anew")


#: Parsed object streams kept at once: their objects are read together (a page's
#: fonts, the page tree), and a PDF has a handful of them.
OBJECT_STREAMS_KEPT = 8


def _keep_object_streams(doc) -> None:
    """Keep the last few parsed object streams while pdfminer's cache is off.

    Without its cache pdfminer parses a whole object stream again for every object
    it takes from it: a PDF that packs its fonts and pages into object streams
    took a minute for 19 pages (phd_article.pdf), most of it re-parsing. The
    decoded content streams, which are what grows with the pages, stay uncached.
    """
    from collections import OrderedDict

    kept: OrderedDict[int, tuple[list, int]] = OrderedDict()
    parse = doc._get_objects

    def get_objects(stream):
        key = stream.objid
        if key is None:
            return parse(stream)
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
        kept[key] = found = parse(stream)
        if len(kept) > OBJECT_STREAMS_KEPT:
            kept.popitem(last=False)
        return found

    doc._get_objects = get_objects
    _keep_small_objects(doc)


def _keep_small_objects(doc) -> None:
    """Keep every object that is not a stream, as pdfminer's cache would.

    Dictionaries, arrays and numbers (page dictionaries, resources, fonts) are
    small and asked for on every page; re-parsing them cost extraction a fifth of
    its time. Streams (page contents, images) stay out: they are what grows with
    the document.
    """
    from pdfminer.pdftypes import PDFStream

    kept: dict[int, object] = {}
    get = doc.getobj

    def getobj(objid):
        try:
            return kept[objid]
        except KeyError:
            pass
        obj = get(objid)
        if not isinstance(obj, PDFStream):
            kept[objid] = obj
        return obj

    doc.getobj = getobj


def quiet_pdfminer() -> None:
    """Send pdfminer's log nowhere.

    pdfminer logs a warning for every damaged object or operator it skips, and
    Python prints those on stderr: a fuzzed PDF gave 400 lines before its one-line
    error. What the reader can act on it raises or records itself.
    """
    logger = logging.getLogger("pdfminer")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def _read_pages(raw: bytes, name: str
                ) -> tuple[list[Page], Counter[float], FontCodes, FoundObjects]:
    """Every page's lines, read one page at a time, the font sizes by character count,
    the fonts whose codes are decoded here (``encoding``), and each page's figures and
    tables (``objects``), their glyphs kept out of its lines."""
    import pdfplumber

    quiet_pdfminer()
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        # pdfminer keeps every object it resolves, decoded content streams included,
        # and pdfplumber every page: memory would grow with each page read. Off
        # before the page tree is read, and each page dropped once it is done.
        pdf.doc.caching = False
        _keep_object_streams(pdf.doc)
        codes = FontCodes()
        codes.hook(pdf.rsrcmgr)
        n_pages = len(pdf.pages)
    except Exception as exc:  # pdfminer raises many types on broken files
        raise _open_error(exc, name) from None
    pages: list[Page] = []
    sizes: Counter[float] = Counter()
    objects = FoundObjects()
    with pdf:
        if n_pages == 0:
            raise InputError(name, "the PDF has no pages", "send the complete PDF")
        if n_pages > MAX_PAGES:
            raise InputError(name, f"the PDF has {n_pages} pages, over the {MAX_PAGES} limit",
                             "split it into articles")
        for index in range(n_pages):
            page = pdf.pages[index]
            slim_chars(page)
            pdf.pages[index] = None  # type: ignore[call-overload]
            try:
                chars, width, height = page.chars, float(page.width), float(page.height)
            except Exception as exc:  # damage shows only when pdfminer parses the page
                raise InputError(name, f"the PDF is damaged ({type(exc).__name__})",
                                 "send the file again or export it anew") from None
            codes.count_unknown(chars)
            lines, gutters, found = page_objects(page, chars, width, page.page_number,
                                                 objects.notes)
            if found:
                objects[page.page_number] = found
            page.close()  # pdfplumber caches every page's objects otherwise
            for ln in lines:
                sizes[ln.size] += len(ln.text)
            pages.append(Page(page.page_number, width, height, lines, gutters))
    return pages, sizes, codes, objects


def read_pdf(raw: bytes, name: str) -> Extraction:
    """Extract lines (with fonts and paragraph evidence) and footnote lines from a PDF's bytes.

    Footnotes come as visual lines, the first line of each note with ``para_hint``:
    the cleaner joins them as it joins body lines.
    """
    pages, sizes, codes, objects = _read_pages(raw, name)
    objects.drop_recurring({p.number: p.height for p in pages})
    if not sizes:
        return ocr(raw, name, len(pages))
    body_size = sizes.most_common(1)[0][0]
    empty = [p.number for p in pages if not p.lines and p.number not in objects]
    dropped = furniture(pages, body_size)
    for page in pages:
        page.lines = [ln for ln in page.lines if id(ln) not in dropped]
    adopt_gutter(pages)
    widths = column_widths(pages)
    steps = pitches(pages)
    out: list[Line] = []
    notes: list[Line] = []
    last: PageLine | None = None  # the body line read last, on whichever page
    spans: list[tuple[int, int]] = []  # each page's lines in ``out``
    for page in pages:
        lefts: dict[str, float] = {}
        for ln in page.lines:
            lefts[ln.column] = min(lefts.get(ln.column, ln.x0), ln.x0)
        above: PageLine | None = None  # the body line read last on this page
        flows = reading_order(place_objects(page.lines, objects.get(page.number, []),
                                            page.gutters, body_size))
        displays = [0]  # the page's display formulas so far (their image names)
        marks = {m for ln in page.lines for m in ln.marks}  # note references on this page
        first = len(out)
        for f, flow in enumerate(flows):
            carried = bool(notes) and notes[-1].page >= page.number - 1
            k = footnote_start(flow, flows[f + 1:], body_size, page.height, carried,
                               frozenset(marks))
            notes.extend(note_lines(flow[k:], page.number, notes))
            body = flow[:k]
            if not body:
                continue
            # Reading goes on to a new page, or back up to the top of a column.
            after_break = above.top > body[0].top if above else bool(out)
            kind = body[0].column
            # A column holding only a figure has no text lines to measure.
            left = lefts.get(kind, body[0].x0)
            width = max(widths.get(kind, body[0].x1 - body[0].x0), 1.0)
            body = mark_displays(body, left, width, page.number, displays)
            out.extend(expand(body, model_lines(body, above, after_break, page.number, left,
                                                width, steps, last)))
            above = last = body[-1]
        spans.append((first, len(out)))
        page.lines = []  # converted: the model's lines are all that is kept
    layouts = Counter(len(p.gutters) + 1 for p in pages if p.gutters)
    report = [f"{len(pages)} pages ({layouts[2]} in two columns"
              + "".join(f", {layouts[n]} in {n}" for n in sorted(layouts) if n > 2)
              + f"); body text {body_size} pt; "
              f"{len(dropped)} running-head, footer or page-number lines removed; "
              f"{count_notes(notes)} footnotes" + object_counts(out)]
    report.extend(objects.notes)
    report.extend(codes.decode(out + notes))
    # Captions again, page by page, now that legacy-encoded text reads as letters
    # ("Рис. 4" was still codes), and across flows: a figure set across the columns
    # is a flow of its own and its caption starts the next. A caption left a free
    # line was joined by the cleaner to the paragraph the figure interrupted.
    out = [ln for a, b in spans for ln in captions(out[a:b])]
    report.extend(mark_formulas(out + notes))
    report.extend(reread_junk_pages(raw, name, out, notes))  # a junk text layer: OCR it
    if empty:
        report.append(f"pages without a text layer (scanned?), left out: "
                      f"{', '.join(map(str, empty))}")
    return Extraction(source=name, kind="pdf", lines=out, pages=len(pages), footnotes=notes,
                      notes=report)
