"""Type a concept the catalog does not know, by rules on its name.

The last word usually tells: `... Loss` is a loss, `... Resampler` or `... Layer`
an architecture component, `... Tuning` a technique, `... QA` a benchmark. A
single mixed-case or versioned token (`SigLIP`, `DINOv2`, `LLaVA-2`) names a model.
"""

from __future__ import annotations

import itertools
import re

from studygraph.graph.phrases import can_be_verb
from studygraph.graph.variants import name_words

RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("loss", r"(?:\bloss|\bobjective|\binfonce|\bnce|\bdivergence)$"),
        ("metric", r"(?:\bscore|\baccuracy|\bprecision|\brecall|\berror rate|\bdistance|@k|@\d+|\bperplexity)$"),
        ("retrieval", r"(?:\bsearch|\bretrieval|\bindexing|\bre-?ranking|\brank fusion|\bnearest neighbou?rs?|\bretriever)$"),
        ("dataset", r"(?:\bdataset|\bdata sets?|(?-i:\b(?:[A-Z]{2,}[A-Z0-9]*|[a-z]+\d\w*) data)|\bcorpus|\bpairs|-instruct|\binstruct-\w+|\bcaptions)$"),
        ("benchmark", r"(?:\bbench(?:mark)?|\w{3,}[-]?(?-i:QA)|\beval)$"),
        (
            "architecture",
            r"(?:\blayers?|\bencoders?|\bdecoders?|\bresampler|\battention|\badapters?|\bheads?|\bblocks?|"
            r"\bprojection|\bmodules?|\btower|\bconnector|\bbackbone|\bnetwork|\btransformer|former|\bmlp|\bembedding)$",
        ),
        (
            "technique",
            r"(?:tuning|\btraining|\blearning|\bsampling|\bmining|\bdistillation|\bscaling|\bquantization|\bpruning|"
            r"\bnormali[sz]ation|\bprompting|\baugmentation|\bpre-?training|\bgrounding|\btokeni[sz]ation|\bfusion|"
            r"\bregulari[sz]ation|\bdecoding|\bmerging|\brecognition|\bdetection|\bsegmentation|\bclassification|"
            r"\bcaptioning|\bgeneration|\bmodel(?:l)?ing|\bprediction|\bpatchify|\bchain of thought|\bcompression)$",
        ),
        ("model", r"(?:\bmodels?|\bnet|\bgpt|\bbert|\bclip|\bvit|\bllm|\bdiffusion)$"),
    )
)
# The head of a definition: "ALiBi is a position encoding ..." -> architecture.
GLOSS_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("loss", r"\b(?:loss|objective)\b"),
        ("metric", r"\b(?:metric|measure|score)\b"),
        ("dataset", r"\b(?:dataset|corpus|collection of)\b"),
        ("benchmark", r"\bbenchmark\b"),
        ("retrieval", r"\b(?:index|retriever|search|ranking function|vector (?:store|database))\b"),
        ("architecture", r"\b(?:layer|encoder|decoder|encoding|module|block|head|architecture|kernel|attention|mechanism|component)\b"),
        ("technique", r"\b(?:technique|method|approach|strategy|algorithm|trick|procedure|regulari[sz]er|task)\b"),
        ("model", r"\b(?:model|network|transformer|llm|vlm|encoder model)s?\b"),
    )
)
# Head words of any field: what kind of thing a plain-English term names ("Gibbs sampler",
# "coset enumeration", "Mahalanobis distance", "logistic regression", "partial pooling").
HEAD_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("metric", r"\b(?:coefficient|correlation|statistic|ratio|rate|variance|deviation|distance|criterion|r-squared|p[- ]value|mean|median|average|quantile|percentile|residual)(?:e?s)?$"),
        ("model", r"\b(?:regression|classifier|estimator|machine|forest|tree|automaton|process|distribution)(?:e?s)?$"),
        ("technique", r"(?:\balgorithm|\bmethod|\bprocedure|\bstrategy|\bapproach|\btechnique|\btest|\btrick|\bheuristic|"
                      r"\bsampler|\bsolver|\bfilter|\bplot|\btransform|[a-z]{3}(?:ation|isation|ization)|[a-z]{4}ing)(?:e?s)?$"),
    )
)
VERSIONED = re.compile(r"[A-Za-z].*(?:[-\s]?v?\d+(?:\.\d+)?[a-z]?|[-\s][A-Z])$")


def _looks_like_model(name: str) -> bool:
    """One mixed-case or versioned token: SigLIP, ImageBind, DINOv2, GPT-4o, BLIP-2."""
    words = name_words(name)
    if len(words) > 2:
        return False
    compact = "".join(words)
    inner_caps = any(a.islower() and b.isupper() for word in words for a, b in itertools.pairwise(word))
    caps = sum(c.isupper() for c in compact)
    return inner_caps or (caps >= 2 and any(c.isdigit() for c in compact)) or bool(VERSIONED.match(name) and caps >= 2)


def guess_type(name: str, long_form: str = "", gloss: str = "", in_code: bool = False, called: bool = False) -> str:
    """The node type of a discovered concept.

    Args:
        name: the concept's display name.
        long_form: its spelled-out form when the notes give one (`ASR` -> `Automatic Speech Recognition`).
        gloss: the words after "X is a ..." when the notes define it so.
        in_code: the notes write it as code (`sslVerify`, `CoordSys3D`): an identifier, not a model.
        called: the notes write it as a call (`solveset()`, `pp_check()`): a function, which does
            something, so a technique (a capitalised call builds an object: `Poly()` stays a concept).

    Returns:
        One of graph.model.TYPES.
    """
    for text in (name, long_form):
        text = text.strip()
        if not text:
            continue
        for kind, pattern in RULES:
            if pattern.search(text):
                return kind
    head = " ".join(gloss.split()[:3])
    for kind, pattern in GLOSS_RULES if head else ():
        if pattern.search(head):
            return kind
    if in_code and called and not name[:1].isupper():
        return "technique"
    if _looks_like_model(name) and not in_code:
        return "model"
    for text in (name, long_form):  # "LOO-CV (leave-one-out cross-validation)": the long form's head
        head = re.split(r"\s+of\s+", text.strip(), maxsplit=1)[0]  # "normality of residuals" is a normality
        for kind, pattern in HEAD_RULES:
            if head and pattern.search(head):
                return kind
    return "concept"


# Head nouns that say a phrase names a kind of thing in any field (the heads HEAD_RULES and RULES
# type by), without the suffix rules ("-ing", "-ation"), which any gerund or action noun matches.
KIND_HEADS = frozenset(
    ["loss", "objective", "divergence", "score", "accuracy", "precision", "recall", "perplexity", "dataset", "corpus", "benchmark", "layer", "encoder", "decoder", "network", "model", "regression", "classifier", "estimator", "estimate", "machine", "forest", "automaton", "distribution", "algorithm", "method", "procedure", "test", "sampler", "solver", "transform", "transformation", "coefficient", "correlation", "statistic", "variance", "deviation", "criterion", "matrix", "function", "operator", "spline", "kernel", "residual"]
)


def kind_head(phrase: str) -> bool:
    """Whether a phrase ends in a head noun that names a kind of thing ("isotonic regression",
    "Greenwood variance", "hat matrix", "pool adjacent violators algorithm")."""
    words = phrase.lower().split()
    return len(words) >= 2 and (words[-1] in KIND_HEADS or words[-1].removesuffix("s") in KIND_HEADS)


# What a definition says a concept is, when its name did not tell (see `defined_type`).
NAMED_AS = r"[*_`\"“”'(]*\s*(?:\(\))?[*_`\"“”')]*"
IS_GLOSS = re.compile(rf"^{NAMED_AS}\s*(?:\([^()]{{1,80}}\)\s*)?,?\s*(?:is|are)\s+(?:an?|the|one)\s+(?P<gloss>.+)", re.I)
KIND_OF_WORD = {"function": "technique", "method": "technique", "command": "technique", "routine": "technique",
                "procedure": "technique", "algorithm": "technique", "test": "technique", "estimator": "model",
                "statistic": "metric", "model": "model", "distribution": "model", "dataset": "dataset", "data set": "dataset"}
KIND_WORD = re.compile(rf"^{NAMED_AS}\s+(?P<kind>{'|'.join(KIND_OF_WORD)})s?\b", re.I)
ARTICLE_BEFORE = re.compile(r"^\W*(?:the|an?)\W+$", re.I)
# A manual's NAME line, "git-clean - Remove untracked files from the working tree": a command, and what it does.
MANUAL_LINE = re.compile(r"^[*_`\"“”']*\s*[ \t][-–—][ \t]+(?P<verb>[A-Z][a-z]+)\s+(?P<next>\S+)")


def defined_type(name: str, definition: str) -> str:
    """The type a concept's defining line gives it, or "" when it says nothing of the kind.

    "``UnevaluatedExpr`` is a method provided by SymPy" (the kind after "is a"), "The `lambdify`
    function translates ..." (the kind between name and verb), and a manual's NAME line whose
    name is a command, in lower case, and whose description starts with a verb
    ("git-fsck - Verifies the connectivity ...": a technique; neither "gitattributes - Defining
    attributes per path" nor "gitweb - Git web interface" says what it does).
    """
    text = " ".join(definition.split())
    words = re.findall(r"[^\W_]+", name)
    found = re.search(r"[\W_]{0,3}".join(map(re.escape, words)), text[:12 + len(name)], re.I) if words else None
    if found is None:
        return ""
    at, after = found.start(), text[found.end():]
    gloss = IS_GLOSS.match(after)
    if gloss:
        head = " ".join(gloss.group("gloss").split()[:3])
        # Not "architecture": its words name parts in general prose ("`func` is the head of the object").
        return next((kind for kind, pattern in GLOSS_RULES if kind != "architecture" and pattern.search(head)), "")
    kind = KIND_WORD.match(after)
    if kind and ARTICLE_BEFORE.search(text[:at]):
        return KIND_OF_WORD[kind.group("kind").lower()]
    manual = MANUAL_LINE.match(after)
    if (manual and text[at:found.end()] == text[at:found.end()].lower() and can_be_verb(manual.group("verb"))
            and not manual.group("verb").endswith("ing") and manual.group("next").lower() != "of"):
        return "technique"
    return ""
