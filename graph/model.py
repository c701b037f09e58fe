"""The nouns of the concept graph: concepts, relations, the evidence behind them,
and what the graph hands to the assistant (suggestions and concept cards)."""

from __future__ import annotations

from dataclasses import dataclass, field

from studygraph.lines import LineRange

# The rules that make a graph from chunks (extraction, selection, typing). The per-chunk cache
# (graph.cache) and the stored graph's stamp (assistant.graph_sync) both record it, so a release
# that reads notes differently rebuilds both instead of serving a graph made by the old rules.
RULES = 46

TYPES = ("model", "loss", "technique", "architecture", "dataset", "benchmark", "metric", "retrieval", "concept")

# Typed relations read from the notes, and how each reads from its target's side.
INVERSE = {
    "uses": "used by",
    "part_of": "has part",
    "based_on": "basis of",
    "variant_of": "has variant",
    "replaces": "replaced by",
    "trained_on": "training data of",
    "trained_with": "training objective of",
    "evaluated_on": "evaluates",
    "feeds": "fed by",
    "is_a": "has instance",
    "compared_with": "compared with",
    "links_to": "linked from",  # a vault's [[Page]] link
    "related": "related",
}
SYMMETRIC = frozenset({"compared_with", "related"})
RELATIONS = tuple(INVERSE)


@dataclass(frozen=True, slots=True)  # 191k on the 12 MB Python docs: the graph 55 -> 45 MB without a __dict__ each
class Evidence(LineRange):
    """Lines of a note that support a node or an edge (1-based, inclusive)."""

    chunk_id: str
    source: str
    start_line: int
    end_line: int
    quote: str = ""

    def to_json(self, with_quote: bool = False) -> dict:
        data = {"chunk_id": self.chunk_id, "source": self.source, "start_line": self.start_line, "end_line": self.end_line}
        if with_quote:
            data["quote"] = self.quote
        return data

    @classmethod
    def from_json(cls, data: dict) -> Evidence:
        return cls(
            chunk_id=str(data["chunk_id"]),
            source=str(data["source"]),
            start_line=int(data["start_line"]),
            end_line=int(data["end_line"]),
            quote=str(data.get("quote", "")),
        )


@dataclass(frozen=True)
class Concept:
    """A node. `id` is a slug of the name; `aliases` are other spellings that match it."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    chunk_ids: tuple[str, ...] = ()
    definition: Evidence | None = None
    origin: str = "catalog"  # "catalog" | "notes" (discovered) | "marked" (discovered, named only where marked)

    @property
    def discovered(self) -> bool:
        """Found in the notes ("notes" or "marked"), not named by the shipped catalog."""
        return self.origin != "catalog"


@dataclass(frozen=True)
class Relation:
    """A directed, typed edge (`source` uses `target`); `related` and `compared_with` are symmetric."""

    source: str
    target: str
    relation: str
    weight: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Suggestion(LineRange):
    """A concept worth studying next, reached from `via` (a concept of the question or answer)."""

    concept: str
    type: str
    relation: str
    via: str
    chunk_id: str
    source: str
    start_line: int
    end_line: int


@dataclass(frozen=True)
class Neighbour:
    """One neighbour on a concept card, with the relation read from the card's side."""

    name: str
    type: str
    relation: str
    weight: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class ConceptCard:
    """Everything the notes say about one concept."""

    concept: Concept
    neighbours: dict[str, tuple[Neighbour, ...]] = field(default_factory=dict)
    passages: tuple[Evidence, ...] = ()

    @property
    def definition(self) -> Evidence | None:
        return self.concept.definition


def label(relation: Relation, side: str) -> str:
    """The relation as read from `side` (an end of the edge): `uses` or `used by`."""
    if side == relation.source:
        return relation.relation.replace("_", " ")
    return INVERSE.get(relation.relation, relation.relation)
