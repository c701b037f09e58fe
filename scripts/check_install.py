"""Fail the install when torch is not the CPU build or CUDA wheels slipped in."""

from __future__ import annotations

import sys
from importlib import metadata


def main() -> int:
    torch_version = metadata.version("torch")
    if not torch_version.endswith("+cpu"):
        print(f"torch {torch_version} is installed; Studygraph needs the CPU build (torch==2.13.0+cpu, see constraints.txt)")
        return 1
    cuda = sorted(d.metadata["Name"] for d in metadata.distributions() if d.metadata["Name"].lower().startswith("nvidia-"))
    if cuda:
        print(f"CUDA packages were installed and are not needed: {', '.join(cuda)}")
        return 1
    print(f"ok: torch {torch_version}, no CUDA packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
