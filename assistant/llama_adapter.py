"""The one boundary with llama-index: Studygraph as a llama-index retriever.

Our code speaks in Chunk/Hit; pipelines built on llama-index get TextNodes with
the exact line span in their metadata. No LLM is involved (none is configured).
"""

from __future__ import annotations

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from studygraph.assistant.types import Hit
from studygraph.ingest.note import Chunk


def to_node(hit: Hit) -> NodeWithScore:
    chunk = hit.chunk
    node = TextNode(id_=chunk.id, text=chunk.text, metadata={**chunk.metadata(), "rank": hit.rank, "mode": hit.mode})
    return NodeWithScore(node=node, score=float(hit.score))


def to_hit(scored: NodeWithScore, rank: int) -> Hit:
    meta = scored.node.metadata
    chunk = Chunk.from_record(scored.node.node_id, scored.node.get_content(), meta)
    return Hit(chunk, float(scored.score or 0.0), rank, str(meta.get("mode", "hybrid")))


class StudygraphRetriever(BaseRetriever):
    """`retriever.retrieve("What is HNSW?")` -> NodeWithScore list from our hybrid index."""

    def __init__(self, studygraph, mode: str = "hybrid", k: int = 5) -> None:
        super().__init__()
        self._studygraph = studygraph
        self._mode = mode
        self._k = k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [to_node(hit) for hit in self._studygraph.search(query_bundle.query_str, self._k, self._mode)]
