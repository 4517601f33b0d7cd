"""Hostile folders: planted links and folders, stale parts, two runs writing side by side."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from download_fakes import make_jpeg

from een_tui.download.storage import PartFile, image_path, saved_timestamps
from een_tui.download.tempfiles import remove_stale_parts

ESN = "1000c4ae"
TS = "20190409024212.149"
OTHER_TS = "20190409024213.149"
STALE = "20190409024214.149.jpg.0123456789abcdef.part"


def write_image(final: Path, body: bytes) -> PartFile:
    with PartFile(final, max_bytes=1 << 20, expected_length=len(body)) as part:
        part.write(body)
        part.commit()
    return part


def test_a_link_planted_at_every_temporary_name_is_never_written_through(tmp_path, monkeypatch):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    final = image_path(tmp_path / "out", ESN, TS)
    final.parent.mkdir(parents=True)
    # The attacker knows the name the next attempt will use (the worst case).
    planted = final.with_name(f"{final.name}.{'ab' * 8}.part")
    planted.symlink_to(victim)
    names = iter(["ab" * 8, "cd" * 8])
    monkeypatch.setattr("een_tui.download.tempfiles.secrets.token_hex", lambda n: next(names))
    body = make_jpeg(2)
    write_image(final, body)
    assert victim.read_text() == "precious"
    assert planted.is_symlink()  # left alone
    assert final.read_bytes() == body


def test_a_link_at_the_final_name_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    final = image_path(tmp_path / "out", ESN, TS)
    final.parent.mkdir(parents=True)
    final.symlink_to(victim)
    body = make_jpeg(3)
    write_image(final, body)
    assert victim.read_text() == "precious"
    assert not final.is_symlink() and final.read_bytes() == body


def test_final_mode_follows_the_umask_and_the_part_is_private(tmp_path):
    final = image_path(tmp_path / "out", ESN, TS)
    old = os.umask(0o027)
    try:
        body = make_jpeg(1)
        with PartFile(final, max_bytes=1 << 20, expected_length=len(body)) as part:
            assert stat.S_IMODE(part.part_path.stat().st_mode) == 0o600
            part.write(body)
            part.commit()
    finally:
        os.umask(old)
    assert stat.S_IMODE(final.stat().st_mode) == 0o640


def test_only_regular_jpeg_files_count_as_saved(tmp_path):
    folder = tmp_path / ESN
    folder.mkdir()
    real = tmp_path / "real.jpg"
    real.write_bytes(make_jpeg(1))
    (folder / f"{TS}.jpg").symlink_to(real)  # a link to a valid JPEG
    (folder / f"{OTHER_TS}.jpg").mkdir()  # a folder
    (folder / "20190409024215.149.jpg").write_bytes(b"\xff\xd8 truncated")
    (folder / "20190409024216.149.jpg").write_bytes(b"")
    (folder / "20190409024217.149.jpg").write_bytes(make_jpeg(2))
    assert saved_timestamps(tmp_path, ESN) == {"20190409024217.149"}


def test_a_folder_at_the_final_name_is_a_refusal_that_leaves_no_part(tmp_path):
    from een_tui.download.storage import UnsafeName

    final = image_path(tmp_path / "out", ESN, TS)
    final.mkdir(parents=True)
    with pytest.raises(UnsafeName, match="a folder is in the way"):
        write_image(final, make_jpeg(1))
    assert sorted(p.name for p in final.parent.iterdir()) == [final.name]


def test_stale_parts_are_removed_but_not_a_live_runs_nor_other_files(tmp_path):
    folder = tmp_path / "out" / ESN
    folder.mkdir(parents=True)
    (folder / STALE).write_bytes(b"\xff\xd8 left by kill -9")
    (folder / "20190409024215.149.jpg.part").write_bytes(b"old version")  # older naming
    (folder / "notes.part").write_bytes(b"not ours")
    (folder / "20190409024216.149.jpg.XYZ.part").write_bytes(b"not our pattern")
    victim = tmp_path / "victim"
    victim.write_text("keep")
    (folder / "20190409024217.149.jpg.fedcba9876543210.part").symlink_to(victim)
    live = folder / "20190409024218.149.jpg.1111111111111111.part"
    live.write_bytes(b"\xff\xd8 being written")
    # Another process holds the lock on ``live`` (a real second process, like a second run).
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()",
         str(live)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert remove_stale_parts(folder) == 2
        left = sorted(p.name for p in folder.iterdir())
        assert left == sorted([
            "notes.part", "20190409024216.149.jpg.XYZ.part",
            "20190409024217.149.jpg.fedcba9876543210.part", live.name])
        assert victim.read_text() == "keep"
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    # The owner is gone (its lock with it): now the part is stale.
    assert remove_stale_parts(folder) == 1 and not live.exists()


def test_the_next_write_in_a_folder_cleans_the_stale_parts(tmp_path):
    final = image_path(tmp_path / "out", ESN, TS)
    final.parent.mkdir(parents=True)
    (final.parent / STALE).write_bytes(b"partial")
    write_image(final, make_jpeg(1))
    assert sorted(p.name for p in final.parent.iterdir()) == [final.name]


def test_a_part_being_written_is_locked_against_cleaners(tmp_path):
    final = image_path(tmp_path / "out", ESN, TS)
    with PartFile(final, max_bytes=1 << 20) as part:
        part.write(b"\xff\xd8")
        fd = os.open(part.part_path, os.O_RDONLY)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
        assert remove_stale_parts(final.parent) == 0
        assert part.part_path.exists()


def test_two_writers_of_the_same_image_interleaved_both_commit(tmp_path):
    """Two runs fetching the same timestamp at once (the "No such file or directory" bug:
    they shared one ``.part`` name, and the first rename took the second's file away)."""
    final = image_path(tmp_path / "out", ESN, TS)
    first, second = make_jpeg(1), make_jpeg(2)
    a = PartFile(final, max_bytes=1 << 20, expected_length=len(first))
    b = PartFile(final, max_bytes=1 << 20, expected_length=len(second))
    with a, b:
        assert a.part_path != b.part_path
        a.write(first[:100])
        b.write(second[:100])
        a.write(first[100:])
        a.commit()
        assert final.read_bytes() == first
        b.write(second[100:])
        b.commit()
    assert final.read_bytes() == second
    assert sorted(p.name for p in final.parent.iterdir()) == [final.name]


def test_two_real_runs_into_one_folder_both_finish(tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "een_tui", "download", "--demo", "--camera", "100537c7",
            "--count", "60", "--workers", "5", "--out", str(out), "--json"]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env) for _ in range(2)]
    results = [run.communicate(timeout=120) for run in runs]
    for run, (stdout, stderr) in zip(runs, results, strict=True):
        assert run.returncode == 0, stderr
        summary = json.loads(stdout)
        assert summary["outcome"] == "done" and summary["saved"] == 60
    files = [p for p in out.rglob("*") if p.is_file() and p.name != "camera.json"]
    assert not [p for p in files if p.name.endswith(".part")]
    for path in files:
        data = path.read_bytes()
        assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9", path


def test_the_log_file_is_never_opened_through_a_link(isolated_environment):
    import logging

    from een_tui import config
    from een_tui.logsetup import setup_logging

    victim = isolated_environment / "victim.txt"
    victim.write_text("precious")
    victim.chmod(0o644)
    path = config.log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(victim)
    assert setup_logging() is None  # logging off, the command goes on
    logging.getLogger("een_tui.test").warning("this must not land in the victim")
    assert victim.read_text() == "precious"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644  # not chmod'ed through the link
