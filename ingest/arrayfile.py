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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

MAGIC = b"STUDYGRAPH-ARRAYS-1\n"
ALIGN = 64


class ArrayFileError(ValueError):
    """The file is not an array file, or is truncated or inconsistent."""


def _aligned(n: int) -> int:
    return -(-n // ALIGN) * ALIGN


def _blocks(name: str, value: np.ndarray | Sequence[np.ndarray]) -> list[np.ndarray]:
    blocks = [np.ascontiguousarray(value)] if isinstance(value, np.ndarray) else [np.ascontiguousarray(b) for b in value]
    if not blocks:
        raise ValueError(f"array {name!r} is an empty list of blocks; give an empty array instead")
    first = blocks[0]
    for b in blocks:
        if b.dtype.hasobject or b.dtype.kind not in "biuf":
            raise TypeError(f"array {name!r} has dtype {b.dtype}; only numbers are stored")
        if b.dtype != first.dtype or b.shape[1:] != first.shape[1:]:
            raise ValueError(f"blocks of array {name!r} differ: {b.dtype}{b.shape[1:]} after {first.dtype}{first.shape[1:]}")
    return blocks


def write_arrays(
    handle: BinaryIO, header: Mapping[str, Any], arrays: Mapping[str, np.ndarray | Sequence[np.ndarray]]
) -> None:
    """Write `header` (JSON-serialisable) and `arrays` (any numeric dtype) to an open binary file.

    An array may be given as a list of row blocks of one dtype: it is stored as
    their concatenation without ever being concatenated in memory.
    """
    blocks = {name: _blocks(name, a) for name, a in arrays.items()}
    shapes = {
        name: (bs[0].dtype, [sum(b.shape[0] for b in bs), *bs[0].shape[1:]] if bs[0].ndim else [])
        for name, bs in blocks.items()
    }
    layout: dict[str, list] = {}
    probe = json.dumps({**header, "arrays": {n: [dt.str, shape, 0] for n, (dt, shape) in shapes.items()}})
    # Offsets depend on the header's length, which depends on the offsets: leave room for the digits.
    start = _aligned(len(MAGIC) + 8 + len(probe.encode("utf-8", "surrogatepass")) + 24 * (len(blocks) + 1))
    offset = start
    for name, (dt, shape) in shapes.items():
        layout[name] = [dt.str, shape, offset]
        offset = _aligned(offset + sum(b.nbytes for b in blocks[name]))
    blob = json.dumps({**header, "arrays": layout}, ensure_ascii=False).encode("utf-8", "surrogatepass")
    head = MAGIC + struct.pack("<Q", len(blob)) + blob
    if len(head) > start:
        raise AssertionError("array file header outgrew its reserved space")
    handle.write(head + b"\0" * (start - len(head)))
    position = start
    for name, bs in blocks.items():
        target = layout[name][2]
        handle.write(b"\0" * (target - position))
        position = target
        for b in bs:
            if b.size:
                handle.write(b.reshape(-1).data.cast("B"))
            position += b.nbytes


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
