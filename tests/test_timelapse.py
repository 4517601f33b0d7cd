"""`een-tui timelapse`: real JPEG frames in, a GIF / WebP / MP4 out, read back with Pillow and
PyAV: one frame per image, in time order, at the requested rate."""

from __future__ import annotations

import json
from datetime import timedelta
from itertools import pairwise

import pytest
from media_fakes import COLOURS, leftovers, nearest_colour, run_een, write_frames
from PIL import Image, ImageSequence


def _clutter(folder):
    """Files a download folder may hold that are not frames, one of each kind."""
    (folder / "20261201090000.000.jpg.part").write_bytes(b"\xff\xd8\xffhalf")
    (folder / "20261201100000.000.jpg").write_bytes(b"\xff\xd8\xff\xe0 cut short")  # no decode
    (folder / "20261201100001.000.jpg").write_bytes(b"<html>not an image</html>")
    Image.new("RGB", (16, 16), (0, 0, 0)).save(folder / "snapshot.jpg")  # not named by time
    (folder / "camera.json").write_text(json.dumps({"name": "Gate", "time_zone": "UTC"}))


def _gif_or_webp_frames(path):
    with Image.open(path) as image:
        return [(frame.info.get("duration"), frame.convert("RGB"))
                for frame in ImageSequence.Iterator(image)]


@pytest.mark.parametrize(("suffix", "fps", "delay_ms"), [
    (".gif", "4", 250),   # 25 centiseconds
    (".gif", "10", 100),
    (".webp", "8", 125),
])
def test_animation_has_one_frame_per_image_in_time_order(tmp_path, suffix, fps, delay_ms):
    frames = tmp_path / "out" / "100a2b3c"
    write_frames(frames, 9)
    _clutter(frames)
    result_dir = tmp_path / "result"
    result_dir.mkdir()
    output = result_dir / f"lapse{suffix}"

    done = run_een("timelapse", str(frames), "-o", str(output), "--fps", fps)

    assert done.returncode == 0, done.stderr
    read = []
    with Image.open(output) as image:
        assert image.n_frames == 9
        for index in range(image.n_frames):
            image.seek(index)
            rgb = image.convert("RGB")
            assert rgb.size == (160, 120)
            assert image.info["duration"] == delay_ms
            read.append(nearest_colour(rgb.getpixel((80, 50))))
    assert read == list(range(9))
    assert "9 frames" in done.stderr
    for skipped in ("1 unfinished (.part)", "1 not named by time", "1 not a JPEG",
                    "1 unreadable"):
        assert skipped in done.stderr
    assert leftovers(result_dir) == []


def test_mp4_has_one_frame_per_image_in_time_order_at_the_rate(tmp_path):
    av = pytest.importorskip("av", reason="PyAV (the video extra) is not installed")
    frames = tmp_path / "cam"
    write_frames(frames, 12, size=(161, 121))  # odd sides: H.264 needs even ones
    _clutter(frames)
    output = tmp_path / "lapse.mp4"

    done = run_een("timelapse", str(frames), "-o", str(output), "--fps", "5")

    assert done.returncode == 0, done.stderr
    with av.open(str(output)) as container:
        stream = container.streams.video[0]
        assert stream.average_rate == 5
        assert (stream.width, stream.height) == (160, 120)
        decoded = [frame.to_image() for frame in container.decode(stream)]
    assert [nearest_colour(image.getpixel((80, 50))) for image in decoded] == list(range(12))
    assert "12 frames at 5 fps" in done.stderr


def test_frames_of_other_sizes_are_scaled_to_the_first_frames_size(tmp_path):
    frames = tmp_path / "cam"
    paths = write_frames(frames, 3, size=(160, 120))
    # The middle frame is twice as big: left half colour 0, right half colour 2. Scaled (not
    # cropped) to 160x120, the halves meet at x = 80.
    big = Image.new("RGB", (320, 240), COLOURS[0])
    big.paste(COLOURS[2], (160, 0, 320, 240))
    big.save(paths[1], "JPEG", quality=95)
    output = tmp_path / "lapse.gif"

    done = run_een("timelapse", str(frames), "-o", str(output))

    assert done.returncode == 0, done.stderr
    middle = _gif_or_webp_frames(output)[1][1]
    assert middle.size == (160, 120)
    assert nearest_colour(middle.getpixel((40, 60))) == 0
    assert nearest_colour(middle.getpixel((120, 60))) == 2


def _band_has_text(image, band_top):
    """A black band with white text: both very dark and very bright pixels below band_top."""
    band = image.crop((0, band_top, image.width, image.height)).convert("L")
    low, high = band.getextrema()
    return low < 40 and high > 200


def test_stamp_draws_a_band_with_text_only_when_asked(tmp_path):
    frames = tmp_path / "cam"
    write_frames(frames, 2, size=(320, 240))
    # colours 0 and 1 (red, green): no pixel of a plain frame is near black or near white
    (frames / "camera.json").write_text(json.dumps({"name": "Front door",
                                                    "time_zone": "Europe/Paris"}))
    plain, stamped = tmp_path / "plain.webp", tmp_path / "stamped.webp"

    assert run_een("timelapse", str(frames), "-o", str(plain)).returncode == 0
    assert run_een("timelapse", str(frames), "-o", str(stamped), "--stamp").returncode == 0

    band_top = 240 - 18  # text 12 px (240 / 20) plus 3 px padding above and below
    for index, ((_, plain_frame), (_, stamped_frame)) in enumerate(zip(_gif_or_webp_frames(plain),
                                                    _gif_or_webp_frames(stamped), strict=True)):
        assert not _band_has_text(plain_frame, band_top)
        assert _band_has_text(stamped_frame, band_top)
        assert nearest_colour(stamped_frame.getpixel((160, 100))) == index  # the picture stays


@pytest.mark.parametrize("suffix", [".gif", ".webp"])
def test_writers_stream_each_frame_to_disk_before_taking_the_next(tmp_path, suffix):
    from een_tui.media.gif import write_gif
    from een_tui.media.webp import write_webp

    writer = {".gif": write_gif, ".webp": write_webp}[suffix]
    output = tmp_path / f"stream{suffix}"
    sizes_when_asked = []

    def frames():
        for index in range(5):
            sizes_when_asked.append(output.stat().st_size if output.exists() else 0)
            noise = Image.effect_noise((256, 256), 80 + index).convert("RGB")
            yield noise  # ~64 KiB of GIF or WebP each: more than any write buffer

    assert writer(frames(), output, 10) == 5
    # Each frame is on disk before the next one is even decoded: nothing piles up in memory.
    assert all(later > earlier for earlier, later in pairwise(sizes_when_asked[1:]))


def test_make_timelapse_is_callable_by_the_viewer_with_progress(tmp_path):
    from een_tui.media.timelapse import make_timelapse

    paths = write_frames(tmp_path / "run", 4, step=timedelta(minutes=1))
    calls = []
    result = make_timelapse(list(reversed(paths)), tmp_path / "run.gif", fps=2.0, stamp=True,
                            progress=lambda done, total: calls.append((done, total)))

    assert result.frames == 4
    assert result.fps == 2.0
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    read = [nearest_colour(frame.getpixel((80, 40))) for _, frame in
            _gif_or_webp_frames(tmp_path / "run.gif")]
    assert read == [0, 1, 2, 3]
