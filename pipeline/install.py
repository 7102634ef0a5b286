"""Installing a build's outputs as one set: all of them replace the last good set, or none.

A build stages every output in a folder of its own (make: ``build/<id>/out/``;
``python -m pipeline build``: a scratch folder). ``install`` then makes the new
output folder beside the old one, on the same filesystem
(``output/.<id>.basma-new-XXXX``): a file that did not change is hard-linked from
the old set (no space, same timestamp), a changed one is copied and synced.
Only then is the new folder swapped with the old one in one step (Linux's
``renameat2(RENAME_EXCHANGE)``; two renames where the filesystem has no exchange)
and the old one deleted. The free space is checked before anything is copied,
and any failure on the way removes the half-made folder: the previous set stays
complete, and the editor gets one line, ``error: <path>: <problem> — <what to do>``.

What is in the old folder besides the outputs (an editor's notes) is carried
into the new one. The make build writes a manifest, ``.basma-installed``, into
the set (its stamp: deleting the output folder reinstalls); files it lists that
the new build no longer makes are dropped with the old set.

A build killed at any moment leaves at most ``.<id>.basma-new-*`` (always safe to
delete: before the swap it holds the half-made new set, after it the old one) or,
on the two-rename path, ``.<id>.basma-old-*`` (the old set, to be put back when
``<id>`` is missing); ``make build`` clears both under its lock.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from .errors import BasmaError

#: The manifest make's install writes into the set: its timestamp is make's stamp.
MANIFEST = ".basma-installed"
#: The one folder a set holds: the pictures its pages link (``assets/<name>.png``).
ASSETS = "assets"
#: Name parts of the folders made beside the target (see the module's docstring).
NEW_MARK = ".basma-new-"
OLD_MARK = ".basma-old-"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class InstallError(BasmaError):
    """The outputs could not be installed; the previous ones are unchanged."""

    hint = "the previous outputs are unchanged"


#: What to do about a failure, by errno.
_ADVICE = {
    errno.ENOSPC: "free some space on that disk or choose another output folder",
    errno.EDQUOT: "free some space within the disk quota or choose another output folder",
    errno.EROFS: "the disk is mounted read-only: choose another output folder",
    errno.EACCES: "make the folder writable or choose another output folder",
    errno.EPERM: "make the folder writable or choose another output folder",
    errno.ENOTDIR: "a part of the output path is a file: remove it or choose another folder",
    errno.EEXIST: "a part of the output path is a file: remove it or choose another folder",
    errno.ENAMETOOLONG: "choose a shorter output folder name",
}


def os_failure(exc: OSError, path: Path) -> InstallError:
    """An ``OSError`` met while installing as a one-line ``InstallError``."""
    where = exc.filename or path
    advice = _ADVICE.get(exc.errno or 0, "check the output folder")
    return InstallError(where, exc.strerror or str(exc),
                        f"{advice}; the previous outputs are unchanged")


def staged_files(staged: Path) -> list[str]:
    """The outputs in a staging folder: its regular files whose names do not start
    with a dot (those are temporaries of a writer, or make's bookkeeping)."""
    try:
        entries = sorted(os.scandir(staged), key=lambda e: e.name)
    except FileNotFoundError:
        raise InstallError(staged, "the staging folder does not exist",
                           "run the build first; the previous outputs are unchanged") from None
    except NotADirectoryError:
        raise InstallError(staged, "the staging folder is a file",
                           "remove it and build again; the previous outputs are unchanged"
                           ) from None
    names = [e.name for e in entries
             if not e.name.startswith(".") and e.is_file(follow_symlinks=False)]
    # The pictures the web pages and the JATS link (``assets/<name>``): one folder deep.
    folder = next((e for e in entries if e.name == ASSETS and e.is_dir(follow_symlinks=False)),
                  None)
    if folder is not None:
        names += [f"{ASSETS}/{e.name}" for e in sorted(os.scandir(folder.path),
                                                       key=lambda e: e.name)
                  if not e.name.startswith(".") and e.is_file(follow_symlinks=False)]
    return names


def manifest_text(staged: Path, names: list[str]) -> str:
    """The manifest of a set: one ``<sha256>  <size>  <name>`` line per file. It holds
    no time, so two builds of the same sources write the same manifest."""
    lines = []
    for name in names:
        digest = hashlib.sha256()
        with open(staged / name, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        lines.append(f"{digest.hexdigest()}  {(staged / name).stat().st_size}  {name}\n")
    return "".join(lines)


def _listed(folder: Path) -> set[str]:
    """The names an earlier make install listed in ``folder``'s manifest."""
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return {ln.split("  ", 2)[2] for ln in text.splitlines() if ln.count("  ") >= 2}


def _same_file(a: Path, b: Path) -> bool:
    """Whether two regular files hold the same bytes."""
    try:
        sa, sb = os.stat(a, follow_symlinks=False), os.stat(b, follow_symlinks=False)
    except OSError:
        return False
    if not (stat.S_ISREG(sa.st_mode) and stat.S_ISREG(sb.st_mode)) or sa.st_size != sb.st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            ca, cb = fa.read(1 << 20), fb.read(1 << 20)
            if ca != cb:
                return False
            if not ca:
                return True


def free_space(folder: Path) -> tuple[int, int]:
    """The bytes an unprivileged writer may still use on ``folder``'s filesystem, and
    its block size (a file takes whole blocks)."""
    info = os.statvfs(folder)
    return info.f_bavail * info.f_frsize, info.f_frsize or 4096


def space_needed(sizes: list[int], block: int) -> int:
    """What copying files of these sizes takes, in whole blocks, plus the new folder and
    the manifest (hard links take no blocks).

    >>> space_needed([1, 4096, 4097], 4096)
    24576
    """
    return sum(-(-size // block) * block for size in sizes) + 2 * block


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(src: Path, dest: Path) -> None:
    """Copy a file's bytes and timestamp, synced to disk before it counts as there."""
    shutil.copyfile(src, dest)
    os.chmod(dest, 0o644)
    info = os.stat(src)
    os.utime(dest, ns=(info.st_atime_ns, info.st_mtime_ns))
    _fsync(dest)


def _link_or_copy(src: Path, dest: Path) -> None:
    """A hard link to an unchanged file; a copy where the filesystem has no links."""
    try:
        os.link(src, dest, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(src, dest, follow_symlinks=False)


def _carry(src: Path, dest: Path) -> None:
    """Put something of the old folder that is not an output into the new one."""
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dest, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(src, dest)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (``renameat2`` with ``RENAME_EXCHANGE``). False when
    the C library or the filesystem cannot; any other failure is an ``OSError``."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(new: Path, target: Path) -> None:
    """Put the finished folder ``new`` at ``target``; afterwards ``new`` is gone and the
    old set deleted. Without an exchange, the old set is first moved aside under a name
    the next ``make build`` restores if the second rename never happens."""
    if not os.path.lexists(target):
        os.rename(new, target)
        return
    if exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}{OLD_MARK}", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def install(staged: Path, target: Path, *, manifest: bool = False) -> list[str]:
    """Replace the folder ``target`` by the outputs staged in ``staged``, as one set.

    Returns the names installed. With ``manifest`` the set also gets ``MANIFEST``
    (make's stamp). A failure raises ``InstallError``, one line, with ``target``
    exactly as it was.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "out").mkdir(); _ = (root / "out" / "a.pdf").write_text("new")
    >>> (root / "t").mkdir(); _ = (root / "t" / "notes.txt").write_text("kept")
    >>> install(root / "out", root / "t")
    ['a.pdf']
    >>> sorted(p.name for p in root.joinpath("t").iterdir()), sorted(os.listdir(root))
    (['a.pdf', 'notes.txt'], ['out', 't'])
    >>> shutil.rmtree(root)
    """
    names = staged_files(staged)
    if not names:
        raise InstallError(staged, "the staging folder holds no outputs",
                           "run the build again; the previous outputs are unchanged")
    # A link at the target is followed: the set is replaced where it really is.
    real = Path(os.path.realpath(target)) if os.path.islink(target) else Path(target)
    new: Path | None = None
    try:
        if real.exists() and not real.is_dir():
            raise InstallError(target, "the output path is a file, not a folder",
                               "remove it or choose another output folder; nothing was changed")
        real.parent.mkdir(parents=True, exist_ok=True)
        old_names = set(os.listdir(real)) if real.is_dir() else set()
        unchanged = {n for n in names if n in old_names and _same_file(staged / n, real / n)}
        dropped = _listed(real) | {MANIFEST, ASSETS}
        carried = sorted(n for n in old_names - set(names) - dropped
                         if NEW_MARK not in n and OLD_MARK not in n and ".basma-tmp" not in n)
        free, block = free_space(real.parent)
        need = space_needed([(staged / n).stat().st_size for n in names if n not in unchanged],
                            block)
        if need > free:
            raise InstallError(real.parent, f"not enough free space for the outputs "
                               f"({need // 1024} KB needed, {free // 1024} KB free)",
                               "free some space on that disk or choose another output folder; "
                               "the previous outputs are unchanged")
        new = Path(tempfile.mkdtemp(prefix=f".{real.name}{NEW_MARK}", dir=real.parent))
        os.chmod(new, 0o755)
        for name in names:
            if "/" in name:
                (new / name).parent.mkdir(exist_ok=True)
            if name in unchanged:
                _link_or_copy(real / name, new / name)
            else:
                _copy(staged / name, new / name)
        for name in carried:
            _carry(real / name, new / name)
        if manifest:
            with open(new / MANIFEST, "w", encoding="utf-8") as fh:
                fh.write(manifest_text(new, names))
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(new / MANIFEST, 0o644)
        _fsync(new)
        _swap_in(new, real)
        new = None
        _fsync(real.parent)
    except OSError as exc:
        raise os_failure(exc, real) from None
    finally:
        if new is not None:
            shutil.rmtree(new, ignore_errors=True)
    return names
