"""Safe paths, the atomic .part writer and the streaming JPEG check (real Pillow JPEGs)."""

from __future__ import annotations

import errno
import io
from pathlib import Path

import pytest
from download_fakes import make_jpeg
from PIL import Image

from een_tui.download.storage import (
    BadImage,
    ImageTooLarge,
    PartFile,
    StorageError,
    UnsafeName,
    image_path,
    saved_timestamps,
)

GOOD_TS = "20190409024212.149"


@pytest.mark.parametrize(
    "esn",
    [
        "../etc",
        "..",
        "1000c4ae/..",
        "1000c4a",
        "1000c4ae\n",
        "/1000c4a",
        "",
        None,
        123,
        "1000c4aeX",
    ],
)
def test_hostile_esn_is_refused(tmp_path, esn):
    with pytest.raises(UnsafeName):
        image_path(tmp_path, esn, GOOD_TS)


@pytest.mark.parametrize(
    "stamp",
    [
        "../../x",
        "20190409024212.149/../../a",
        "20190409024212.149\n",
        "20191309024212.149",  # month 13
        "2019040902421.1490",
        "now",
        "",
        None,
        "20190409024212.149.jpg",
    ],
)
def test_hostile_timestamp_is_refused(tmp_path, stamp):
    with pytest.raises(UnsafeName):
        image_path(tmp_path, "1000c4ae", stamp)


def test_image_path_is_inside_out_dir(tmp_path):
    path = image_path(tmp_path, "1000C4AE", GOOD_TS)
    assert path == tmp_path / "1000c4ae" / f"{GOOD_TS}.jpg"


def test_part_file_commits_a_valid_jpeg(tmp_path):
    body = make_jpeg(3)
    final = image_path(tmp_path, "1000c4ae", GOOD_TS)
    with PartFile(final, max_bytes=1 << 20, expected_length=len(body)) as part:
        for i in range(0, len(body), 100):
            part.write(body[i : i + 100])
        assert part.part_path.exists() and not final.exists()
        part.commit()
    assert final.read_bytes() == body
    assert not part.part_path.exists()
    Image.open(io.BytesIO(final.read_bytes())).verify()
    assert saved_timestamps(tmp_path, "1000c4ae") == {GOOD_TS}


@pytest.mark.parametrize(
    "body_of, expected_length, error",
    [
        (lambda b: b[: len(b) // 2], lambda b: len(b), BadImage),  # truncated vs Content-Length
        (lambda b: b[: len(b) // 2], lambda b: None, BadImage),  # truncated, no EOI marker
        (lambda b: b"<html>not an image</html>", lambda b: None, BadImage),
        (lambda b: b[2:], lambda b: None, BadImage),  # no SOI marker
    ],
)
def test_part_file_rejects_bad_bodies_and_leaves_nothing(tmp_path, body_of, expected_length, error):
    good = make_jpeg(4)
    body = body_of(good)
    final = image_path(tmp_path, "1000c4ae", GOOD_TS)
    with (
        pytest.raises(error),
        PartFile(final, max_bytes=1 << 20, expected_length=expected_length(good)) as part,
    ):
        part.write(body)
        part.commit()
    assert list(final.parent.iterdir()) == []


def test_size_cap_by_header_and_by_stream(tmp_path):
    final = image_path(tmp_path, "1000c4ae", GOOD_TS)
    with pytest.raises(ImageTooLarge):
        PartFile(final, max_bytes=100, expected_length=101)
    with pytest.raises(ImageTooLarge), PartFile(final, max_bytes=100) as part:
        part.write(b"\xff\xd8" + b"x" * 200)
    assert not any(final.parent.iterdir())


def test_exception_midway_removes_part(tmp_path):
    final = image_path(tmp_path, "1000c4ae", GOOD_TS)
    with pytest.raises(KeyboardInterrupt), PartFile(final, max_bytes=1 << 20) as part:
        part.write(b"\xff\xd8partial")
        raise KeyboardInterrupt
    assert not part.part_path.exists() and not final.exists()


def test_folder_under_a_regular_file_is_a_clear_storage_error(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("I am a file")
    final = image_path(blocker, "1000c4ae", GOOD_TS)
    with pytest.raises(StorageError, match="a file is in the way"):
        PartFile(final, max_bytes=1 << 20).__enter__()


def test_disk_full_is_a_clear_storage_error(tmp_path, monkeypatch):
    final = image_path(tmp_path, "1000c4ae", GOOD_TS)
    part = PartFile(final, max_bytes=1 << 20)
    with pytest.raises(StorageError, match="disk full"), part:

        def full(_data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(part._file, "write", full, raising=False)
        part.write(make_jpeg(1))
    assert not part.part_path.exists()


def test_saved_timestamps_ignores_parts_and_junk(tmp_path):
    folder = tmp_path / "1000c4ae"
    folder.mkdir()
    (folder / f"{GOOD_TS}.jpg").write_bytes(make_jpeg(1))  # a saved image must be a JPEG
    (folder / "20190409024213.149.jpg.part").write_bytes(b"x")
    (folder / "notes.jpg").write_bytes(b"x")
    assert saved_timestamps(tmp_path, "1000c4ae") == {GOOD_TS}
    assert saved_timestamps(Path(tmp_path / "missing"), "1000c4ae") == set()


def test_memory_does_not_grow_with_image_size(tmp_path):
    import tracemalloc

    chunk = b"\x00" * 65536
    size = 16 * 1024 * 1024  # 16 MB streamed in 64 KB chunks
    final = image_path(tmp_path, "1000c4ae", GOOD_TS)
    tracemalloc.start()
    try:
        with PartFile(final, max_bytes=size + 4, expected_length=size + 4) as part:
            part.write(b"\xff\xd8")
            for _ in range(size // len(chunk)):
                part.write(chunk)
            part.write(b"\xff\xd9")
            part.commit()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert final.stat().st_size == size + 4
    assert peak < 1024 * 1024  # far below the 16 MB that went through
