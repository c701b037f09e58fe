"""The memory-mapped array file behind the snapshot: exact round trips, read-only
views, and damage reported as an error (the snapshot is then rebuilt)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from studygraph.atomic import write_with
from studygraph.ingest import snapshot as snapshot_module
from studygraph.ingest.arrayfile import ArrayFileError, read_arrays, write_arrays
from studygraph.ingest.pipeline import sync
from studygraph.settings import load_settings


def write(path: Path, header: dict, arrays: dict) -> None:
    write_with(path, lambda handle: write_arrays(handle, header, arrays))


def test_round_trip_keeps_values_dtypes_shapes_and_header(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    arrays = {
        "vectors": rng.standard_normal((7, 384)).astype(np.float32),
        "offsets": np.array([0, 3, 3, 9], dtype=np.int64),
        "ids": np.arange(5, dtype=np.int32),
        "empty": np.zeros((0, 384), dtype=np.float32),
        "odd": np.array([1, 2, 3], dtype=np.uint8),  # the next array starts unaligned unless padded
        "after": np.array([0.5, -1.25]),
    }
    header = {"generation": 3, "chunks": [["id", "notes/é.md", "text with \udcff surrogate", 1, 2, "", "text"]]}
    path = tmp_path / "a.bin"
    write(path, header, arrays)
    got_header, got = read_arrays(path)
    assert got_header == header
    assert set(got) == set(arrays)
    for name, array in arrays.items():
        assert got[name].dtype == array.dtype and got[name].shape == array.shape
        np.testing.assert_array_equal(got[name], array)
        assert got[name].size == 0 or got[name].ctypes.data % 64 == 0
    with pytest.raises(ValueError):
        got["vectors"][0, 0] = 1.0  # views of a read-only map


def test_row_blocks_are_stored_as_their_concatenation(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    whole = rng.standard_normal((9, 16)).astype(np.float32)
    blocks = [whole[:4], whole[4:4], whole[4:5], whole[5:]]  # views, one of them empty
    path = tmp_path / "a.bin"
    write(path, {"g": 1}, {"blocks": blocks, "after": np.arange(3, dtype=np.int64)})
    _, got = read_arrays(path)
    assert got["blocks"].dtype == np.float32 and got["blocks"].shape == (9, 16)
    np.testing.assert_array_equal(got["blocks"], whole)
    np.testing.assert_array_equal(got["after"], np.arange(3))
    other = tmp_path / "b.bin"
    write(other, {"g": 1}, {"blocks": whole, "after": np.arange(3, dtype=np.int64)})
    assert other.read_bytes() == path.read_bytes()  # the same file as from one array


def test_blocks_of_different_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="blocks of array 'v' differ"):
        write_arrays(io.BytesIO(), {}, {"v": [np.zeros((2, 4), np.float32), np.zeros((2, 3), np.float32)]})
    with pytest.raises(ValueError, match="empty list"):
        write_arrays(io.BytesIO(), {}, {"v": []})


def test_objects_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_arrays(io.BytesIO(), {}, {"bad": np.array(["a", None], dtype=object)})


@pytest.mark.parametrize("cut", [0, 10, 40, -1])
def test_truncated_or_foreign_files_raise(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "a.bin"
    write(path, {"g": 1}, {"v": np.ones((100, 8), dtype=np.float32)})
    data = path.read_bytes()
    path.write_bytes(data[:cut] if cut >= 0 else b"PK\x03\x04" + data[4:])
    with pytest.raises(ArrayFileError):
        read_arrays(path)


@pytest.mark.slow
def test_a_damaged_snapshot_is_rebuilt_from_the_store(seeds_copy: Path, embedder) -> None:
    settings = load_settings()
    sync([seeds_copy], settings, embedder)
    good = snapshot_module.load_snapshot(settings.home)
    # Copied first: its arrays map the file this test is about to cut short in place.
    good_ids, good_spans = [c.id for c in good.chunks], np.array(good.span_vectors)
    path = snapshot_module.snapshot_path(settings.home)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    snapshot_module._last = None
    assert snapshot_module.load_snapshot(settings.home) is None
    from studygraph.ingest.store import ChunkStore

    rebuilt = snapshot_module.current_snapshot(settings.home, ChunkStore(settings), settings.lock_timeout)
    assert [c.id for c in rebuilt.chunks] == good_ids
    np.testing.assert_allclose(rebuilt.span_vectors, good_spans, atol=1e-6)
    snapshot_module._last = None
    assert snapshot_module.load_snapshot(settings.home) is not None  # and saved again
