"""Fetch the real files the [sources] benchmarks and tests read (never committed).

From Debian, downloaded with `apt-get download` and unpacked with `dpkg -x`
into a cache folder: R vignettes (LaTeX-made PDFs, their .Rnw sources beside
them) and the Jupyter notebooks and HTML pages of nbsphinx's documentation.
Run: `.venv/bin/python benchmarks/sources_fetch.py [folder]`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGES = ("r-cran-zoo", "r-cran-sandwich", "r-cran-mvtnorm", "r-cran-strucchange", "python-nbsphinx-doc")
DEFAULT = Path(tempfile.gettempdir()) / "studygraph-sources"


def fetch(folder: Path = DEFAULT, packages: tuple[str, ...] = PACKAGES) -> list[Path]:
    """The vignette PDFs of `packages`, downloaded once into `folder`.

    Raises:
        RuntimeError: apt-get could not download a package (no registry reachable).
    """
    debs, tree = folder / "debs", folder / "tree"
    debs.mkdir(parents=True, exist_ok=True)
    for package in packages:
        if not list(debs.glob(f"{package}_*.deb")):
            done = subprocess.run(["apt-get", "download", package], cwd=debs, capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                raise RuntimeError(f"apt-get download {package} failed: {done.stderr.strip()[-300:]}")
    for deb in sorted(debs.glob("*.deb")):
        marker = tree / f".{deb.name}.done"
        if not marker.exists():
            subprocess.run(["dpkg", "-x", str(deb), str(tree)], check=True, timeout=300)
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
    return sorted(tree.glob("usr/lib/R/site-library/*/doc/*.pdf"))


def notebooks(folder: Path = DEFAULT) -> list[Path]:
    """nbsphinx's example notebooks (their sources, not the executed copies)."""
    fetch(folder)
    return sorted(p for p in (folder / "tree").glob("usr/share/doc/python-nbsphinx/html/_sources/**/*.ipynb") if p.is_file())


def web_pages(folder: Path = DEFAULT) -> list[Path]:
    """nbsphinx's documentation as Sphinx built it (HTML), without the generated index and search pages."""
    fetch(folder)
    html = folder / "tree" / "usr/share/doc/python-nbsphinx/html"
    return sorted(p for p in html.glob("*.html") if p.stem not in ("genindex", "search", "py-modindex"))


def sweave(folder: Path = DEFAULT) -> list[Path]:
    """The LaTeX sources of the R vignettes (Sweave .Rnw: LaTeX with R chunks)."""
    fetch(folder)
    return sorted((folder / "tree").glob("usr/lib/R/site-library/*/doc/*.Rnw"))


if __name__ == "__main__":
    for path in fetch(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT):
        print(path)
