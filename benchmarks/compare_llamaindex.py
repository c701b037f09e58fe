"""Side by side, in one run: Studygraph vs the stock llama-index pipeline a user would build.

Stock: SentenceSplitter chunks (256 tokens), BM25Retriever + VectorStoreIndex
fused by QueryFusionRetriever (reciprocal rerank, num_queries=1, no LLM), the
same embedding model. Both are scored on the same gold file with the same rule
(file name in `source` and `evidence` inside the retrieved text), and we
compare how long a cited passage is: stock cites whole chunks, Studygraph the
lines it quotes.

    .venv/bin/python benchmarks/compare_llamaindex.py [../shared/eval/dev_qa.jsonl]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from llama_index.core import Settings as LlamaSettings
from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
from llama_index.core.llms import MockLLM
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.embeddings.huggingface import HuggingFaceEmbedding
from llama_index.retrievers.bm25 import BM25Retriever

from studygraph.assistant.evaluate import load_gold
from studygraph.assistant.facade import Studygraph
from studygraph.assistant.llama_adapter import StudygraphRetriever
from studygraph.settings import load_settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]




def score(retrievers: dict, gold) -> dict[str, tuple[float, float, float]]:
    out = {}
    for name, retriever in retrievers.items():
        r1 = mrr = 0.0
        lengths = []
        for item in gold:
            nodes = retriever.retrieve(item.question)[:5]
            rank = next(
                (
                    i
                    for i, n in enumerate(nodes, 1)
                    if Path(n.node.metadata.get("file_path", n.node.metadata.get("source", ""))).name in item.sources
                    and item.evidence.lower() in n.node.get_content().lower()
                ),
                None,
            )
            r1 += rank == 1
            mrr += 1 / rank if rank else 0.0
            if nodes:
                lengths.append(len(nodes[0].node.get_content()))
        out[name] = (r1 / len(gold), mrr / len(gold), statistics.median(lengths))
    return out


def main() -> None:
    gold = load_gold(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "eval" / "dev_qa.jsonl"))
    model = load_settings(env={}).model
    LlamaSettings.llm = MockLLM()
    LlamaSettings.embed_model = HuggingFaceEmbedding(model_name=model, device="cpu")
    docs = SimpleDirectoryReader(str(ROOT / "seeds")).load_data()
    nodes = SentenceSplitter(chunk_size=256, chunk_overlap=20).get_nodes_from_documents(docs)
    vector = VectorStoreIndex(nodes).as_retriever(similarity_top_k=5)
    bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=5)
    hybrid = QueryFusionRetriever(
        [bm25, vector], similarity_top_k=5, num_queries=1, mode="reciprocal_rerank", use_async=False, llm=MockLLM()
    )
    stock = score({"bm25": bm25, "dense": vector, "hybrid": hybrid}, gold)

    with tempfile.TemporaryDirectory() as home:
        sg = Studygraph(load_settings(env={}, home=Path(home)))
        sg.ingest([ROOT / "seeds"])
        ours = score({m: StudygraphRetriever(sg, m) for m in ("bm25", "dense", "hybrid")}, gold)
        quotes = [c.quote for q in gold for c in sg.ask(q.question).citations]
        cited_lines = [c.end_line - c.start_line + 1 for q in gold for c in sg.ask(q.question).citations]

    print(f"{len(gold)} questions; stock: SentenceSplitter(256) -> {len(nodes)} chunks")
    print(f"{'pipeline':22} {'R@1':>5} {'MRR':>5} {'top passage chars (median)':>28}")
    for mode in ("bm25", "dense", "hybrid"):
        r1, mrr, length = stock[mode]
        print(f"{'llama-index ' + mode:22} {r1:5.2f} {mrr:5.2f} {length:28.0f}")
    for mode in ("bm25", "dense", "hybrid"):
        r1, mrr, length = ours[mode]
        print(f"{'studygraph ' + mode:22} {r1:5.2f} {mrr:5.2f} {length:28.0f}")
    print(
        f"studygraph citations: median {statistics.median(len(q) for q in quotes):.0f} chars quoted, "
        f"median {statistics.median(cited_lines):.0f} line(s); stock cites whole chunks"
    )


if __name__ == "__main__":
    main()
