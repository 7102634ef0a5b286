"""``issue.pdf``: the front matter and the articles' typeset PDFs, put together by pikepdf.

No article is typeset again: a one-article edit costs that article and this
assembly. Each article's pages are copied as they are (their running heads and
folios were typeset with the issue's page numbers); a blank page goes where the
odd-page rule leaves a gap. Every article gets a bookmark (its title) holding its
own bookmarks, and a named destination (``basma-issue.<id>``) the contents link to.
The articles' own links (citations to references) point at named destinations too;
the names are prefixed per article so that two articles' ``ref-1`` stay apart.

The front matter PDF is the base: its PDF/A-2b output intent and XMP packet carry
over, and the XMP's title and page count are updated for the issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .pages import IssueError, PageRange


@dataclass
class Part:
    """One article as assembled: its PDF, its pages, its bookmark title."""

    article: str
    pdf: Path
    pages: PageRange
    title: str
    dest: str


def _dest_names(doc: Any) -> dict[str, Any]:
    """A PDF's named destinations (name → destination array)."""
    import pikepdf
    from pikepdf import NameTree

    out: dict[str, Any] = {}
    names = doc.Root.get("/Names")
    if names is not None and "/Dests" in names:
        for key, value in NameTree(names.Dests).items():
            if isinstance(value, pikepdf.Dictionary) and "/D" in value:
                value = value.D
            out[str(key)] = value
    old = doc.Root.get("/Dests")
    if isinstance(old, pikepdf.Dictionary):
        for key, value in old.items():
            out[str(key)[1:]] = value
    return out


def _page_index(doc: Any, dest: Any) -> tuple[int, list[Any]] | None:
    """(page index, the rest of the array) of an explicit destination."""
    import pikepdf

    if not isinstance(dest, pikepdf.Array) or len(dest) < 1:
        return None
    target = dest[0]
    for i, page in enumerate(doc.pages):
        if page.obj.objgen == target.objgen:
            return i, list(dest)[1:]
    return None


def _outline(doc: Any, dests: dict[str, Any]) -> list[tuple[str, int, list[Any]]]:
    """The article's bookmarks as (title, page index, children), as deep as they go."""
    def walk(items: Any) -> list[tuple[str, int, list[Any]]]:
        out = []
        for item in items:
            dest = item.destination
            if dest is None and item.action is not None and "/D" in item.action:
                dest = item.action.D
            if dest is not None and not hasattr(dest, "objgen") and not isinstance(
                    dest, list | tuple):
                dest = dests.get(str(dest))
            found = _page_index(doc, dest) if dest is not None else None
            out.append((item.title, found[0] if found else 0, walk(item.children)))
        return out

    with doc.open_outline() as outline:
        return walk(outline.root)


def assemble(front: Path, parts: list[Part], odd_pages: bool, out: Path,
             title: str) -> dict[str, int]:
    """Write ``issue.pdf``; returns where each article starts (0-based page index)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, NameTree, OutlineItem, String

    try:
        issue = pikepdf.open(front)
    except (OSError, pikepdf.PdfError) as exc:
        raise IssueError(front, f"cannot be read as a PDF ({exc})", "build the issue again") \
            from None
    size = issue.pages[0].mediabox if len(issue.pages) else Array([0, 0, 595.28, 841.89])
    if odd_pages and len(issue.pages) % 2:
        issue.add_blank_page(page_size=(float(size[2]), float(size[3])))
    front_pages = len(issue.pages)
    starts: dict[str, int] = {}
    new_dests: dict[str, Any] = {}
    bookmarks: list[Any] = []
    previous: PageRange | None = None
    for n, part in enumerate(parts, 1):
        if previous is not None:
            for _ in range(part.pages.first - previous.last - 1):  # the odd-page rule's blank
                issue.add_blank_page(page_size=(float(size[2]), float(size[3])))
        try:
            src = pikepdf.open(part.pdf)
        except (OSError, pikepdf.PdfError) as exc:
            raise IssueError(part.pdf, f"cannot be read as a PDF ({exc})",
                             "build the article again") from None
        if len(src.pages) != part.pages.count:
            raise IssueError(part.pdf, f"has {len(src.pages)} pages, not the "
                             f"{part.pages.count} of its pages.json", "build it again")
        prefix = f"a{n}."
        dests = _dest_names(src)
        outline = _outline(src, dests)
        offset = len(issue.pages)
        starts[part.article] = offset
        for page in src.pages:
            issue.pages.append(page)
        # The copied pages' own links: their named destinations get the article's prefix.
        for page in issue.pages[offset:]:
            for annot in page.obj.get("/Annots", Array()):
                action = annot.get("/A")
                if action is not None and action.get("/S") == Name.GoTo and \
                        isinstance(action.get("/D"), String):
                    action.D = String(prefix + str(action.D))
                elif isinstance(annot.get("/Dest"), String):
                    annot.Dest = String(prefix + str(annot.Dest))
        for name, dest in dests.items():
            found = _page_index(src, dest)
            if found is not None:
                index, rest = found
                new_dests[prefix + name] = Array([issue.pages[offset + index].obj, *rest])
        new_dests[part.dest] = Array([issue.pages[offset].obj, Name.XYZ, None, None, None])

        def item(title: str, index: int, children: list[Any], base: int = offset) -> Any:
            node = OutlineItem(title, base + index)
            node.children.extend(item(t, i, c) for t, i, c in children)
            return node

        top = OutlineItem(part.title, offset)
        top.children.extend(item(t, i, c) for t, i, c in outline)
        bookmarks.append(top)
        previous = part.pages
        src.close()
    if "/Names" not in issue.Root:
        issue.Root.Names = Dictionary()
    tree = NameTree.new(issue)
    for name in sorted(new_dests):
        tree[name] = new_dests[name]
    issue.Root.Names.Dests = tree.obj
    with issue.open_outline() as outline:
        outline.root.extend(bookmarks)
    issue.Root.PageMode = Name.UseOutlines
    _page_labels(issue, front_pages, parts)
    with issue.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["dc:title"] = title
        xmp["xmp:CreatorTool"] = "basma"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.basma-tmp")
    issue.save(tmp, deterministic_id=True)
    issue.close()
    tmp.replace(out)
    return starts


def _page_labels(issue: Any, front_pages: int, parts: list[Part]) -> None:
    """Roman folios for the front matter, the articles' own from their first page on
    (the blank pages between them take the numbers they stand for)."""
    from pikepdf import Array, Dictionary, Name

    nums: list[Any] = [0, Dictionary(S=Name.r)]
    if parts:
        nums += [front_pages, Dictionary(S=Name.D, St=parts[0].pages.first)]
    issue.Root.PageLabels = Dictionary(Nums=Array(nums))
