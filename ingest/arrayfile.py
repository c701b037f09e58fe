"""One file holding a JSON header and raw arrays, read by memory-mapping.

Opening an .npz reads and CRC-checks every byte and copies each array: 2 s for
the snapshot of a 12 MB corpus (200 MB of vectors), most of a cold `ask`.
Here the arrays are views of a read-only memory map: opening costs the header,
pages come in as queries touch them, and any write to them raises.

Layout: MAGIC, header length (8 bytes, little-endian), header JSON (UTF-8),
then each array's bytes at a 64-byte aligned offset the header records. Files
are replaced atomically (ingest.atomic), so a reader mapping the old file keeps
a consistent old view.
"""

from __future__ import annotations

import json
import mmap
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

MAGIC = b"STUDYGRAPH-ARRAYS-1\n"
ALIGN = 64


class ArrayFileError(ValueError):
    """The file is not an array file, or is truncated or inconsistent."""


def _aligned(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def write_arrays(handle: BinaryIO, header: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
    """Write `header` (JSON-serialisable) and `arrays` (any numeric dtype) to an open binary file."""
    contiguous = {name: np.ascontiguousarray(a) for name, a in arrays.items()}
    for name, a in contiguous.items():
        if a.dtype.hasobject or a.dtype.kind not in "biuf":
            raise TypeError(f"array {name!r} has dtype {a.dtype}; only numbers are stored")
    layout: dict[str, list] = {}
    probe = json.dumps({**header, "arrays": {n: [a.dtype.str, list(a.shape), 0] for n, a in contiguous.items()}})
    # Offsets depend on the header's length, which depends on the offsets: leave room for the digits.
    start = _aligned(len(MAGIC) + 8 + len(probe.encode("utf-8", "surrogatepass")) + 24 * (len(contiguous) + 1))
    offset = start
    for name, a in contiguous.items():
        layout[name] = [a.dtype.str, list(a.shape), offset]
        offset = _aligned(offset + a.nbytes)
    blob = json.dumps({**header, "arrays": layout}, ensure_ascii=False).encode("utf-8", "surrogatepass")
    head = MAGIC + struct.pack("<Q", len(blob)) + blob
    if len(head) > start:
        raise AssertionError("array file header outgrew its reserved space")
    handle.write(head + b"\0" * (start - len(head)))
    position = start
    for name, a in contiguous.items():
        target = layout[name][2]
        handle.write(b"\0" * (target - position))
        handle.write(a.reshape(-1).data.cast("B") if a.size else b"")
        position = target + a.nbytes


def read_arrays(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(header, arrays); the arrays are read-only views of a memory map of `path`.

    Raises:
        ArrayFileError: not an array file, or truncated.
        OSError: the file cannot be opened.
    """
    with path.open("rb") as handle:
        size = path.stat().st_size
        if size < len(MAGIC) + 8:
            raise ArrayFileError(f"{path} is too short to be an array file")
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if mapped[: len(MAGIC)] != MAGIC:
        raise ArrayFileError(f"{path} is not a Studygraph array file")
    (length,) = struct.unpack_from("<Q", mapped, len(MAGIC))
    body = len(MAGIC) + 8
    if body + length > size:
        raise ArrayFileError(f"{path} is truncated (header)")
    try:
        header = json.loads(bytes(mapped[body : body + length]).decode("utf-8", "surrogatepass"))
        layout = header.pop("arrays")
        arrays: dict[str, np.ndarray] = {}
        for name, (dtype, shape, offset) in layout.items():
            dt = np.dtype(dtype)
            count = int(np.prod(shape, dtype=np.int64))
            if offset < body + length or offset + count * dt.itemsize > size:
                raise ArrayFileError(f"{path} is truncated (array {name!r})")
            arrays[name] = np.frombuffer(mapped, dtype=dt, count=count, offset=offset).reshape(shape)
    except (ValueError, TypeError, KeyError) as exc:
        raise ArrayFileError(f"{path} has a damaged header ({exc})") from exc
    return header, arrays
