"""graph/ has no import cycle, counting imports made inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

GRAPH = Path(__file__).resolve().parents[2] / "graph"


def test_the_graph_package_imports_without_cycles() -> None:
    edges = nx.DiGraph()
    for path in GRAPH.glob("*.py"):
        module = path.stem
        edges.add_node(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("studygraph.graph."):
                target = node.module.split(".")[2]
                if not _type_checking_only(path, node):
                    edges.add_edge(module, target)
    assert list(nx.simple_cycles(edges)) == []


def _type_checking_only(path: Path, target: ast.ImportFrom) -> bool:
    """Imports under `if TYPE_CHECKING:` never run (they serve type hints only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guards = [n for n in ast.walk(tree) if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)]
    return any(n.lineno == target.lineno for guard in guards for n in ast.walk(guard) if isinstance(n, ast.ImportFrom))
