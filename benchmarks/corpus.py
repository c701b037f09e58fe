"""The benchmark corpus nobody here wrote: the Python 3.11 documentation sources.

Fetched from Debian's `python3.11-doc` package (`apt-get download`, `dpkg -x`)
into `benchmarks/corpora/` (gitignored) on first use; nothing of it is
committed. Subsets are deterministic: every 4th / 2nd file in sorted order, so
each fraction samples every part of the docs rather than only `c-api/`.

    .venv/bin/python benchmarks/corpus.py      # fetch, then print the subsets' sizes
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

logger = logging.getLogger(__name__)
CACHE = Path(__file__).resolve().parent / "corpora"
PACKAGE = "python3.11-doc"
SOURCES = Path("usr/share/doc/python3.11/html/_sources")
FRACTIONS = {"quarter": 4, "half": 2, "full": 1}


class CorpusError(RuntimeError):
    pass


def _fetch(cache: Path) -> Path:
    """Download and unpack the .deb once; return the `_sources` folder."""
    root = cache / PACKAGE
    sources = root / SOURCES
    if sources.is_dir():
        return sources
    if not shutil.which("apt-get") or not shutil.which("dpkg"):
        raise CorpusError("apt-get and dpkg are needed to fetch the Python docs corpus (Debian/Ubuntu)")
    cache.mkdir(parents=True, exist_ok=True)
    debs = sorted(cache.glob(f"{PACKAGE}_*.deb"))
    if not debs:
        logger.info("downloading %s", PACKAGE)
        done = subprocess.run(["apt-get", "download", PACKAGE], cwd=cache, capture_output=True, text=True)
        debs = sorted(cache.glob(f"{PACKAGE}_*.deb"))
        if done.returncode != 0 or not debs:
            raise CorpusError(f"`apt-get download {PACKAGE}` failed: {done.stderr.strip() or done.stdout.strip()}")
    partial = cache / f"{PACKAGE}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run(["dpkg", "-x", str(debs[-1]), str(partial)], check=True)
    shutil.rmtree(root, ignore_errors=True)
    partial.rename(root)  # an interrupted unpack never looks complete
    return sources


def _copied(files: list[Path], sources: Path, target: Path) -> Path:
    """A folder holding copies of `files` under their doc paths (`library/os.rst.txt`).

    Copies, not symlinks: ingest skips links that point outside the folder it walks.
    The `.rst.txt` names stay, so gold `source` names match and ingest reads them as text.
    """
    if target.is_dir() and sum(1 for _ in target.rglob("*.rst.txt")) == len(files):
        return target
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    for file in files:
        dest = partial / file.relative_to(sources)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, dest)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def subset(name: str, cache: Path = CACHE) -> Path:
    """The folder holding the `name` subset ("quarter", "half" or "full"), fetched if needed."""
    if name not in FRACTIONS:
        raise CorpusError(f"subset must be one of {', '.join(FRACTIONS)}, got {name!r}")
    sources = _fetch(cache)
    files = sorted(sources.rglob("*.rst.txt"))
    picked = files[:: FRACTIONS[name]]
    return _copied(picked, sources, cache / "subsets" / name)


def size_of(folder: Path) -> tuple[int, int]:
    """(files, bytes) of the notes under folder."""
    files = list(folder.rglob("*.rst.txt"))
    return len(files), sum(p.stat().st_size for p in files)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    for fraction in FRACTIONS:
        folder = subset(fraction)
        count, total = size_of(folder)
        print(f"{fraction:8s} {count:4d} files {total / 1e6:6.2f} MB  {folder}")
