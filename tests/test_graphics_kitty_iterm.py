"""kitty and iTerm2 encoders: parse the escape codes, decode the payload with Pillow, compare."""

import base64
import io
import random
import re

import pytest
from PIL import Image

from een_tui.ui.graphics import delete_kitty, encode_iterm, encode_kitty


def noise(width: int, height: int, seed: int = 11) -> Image.Image:
    """Random pixels: PNG cannot compress them, so the payload needs many chunks."""
    rng = random.Random(seed)
    return Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))


def parse_apc(code: bytes) -> tuple[dict[str, str], bytes]:
    match = re.fullmatch(rb"\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\", code)
    assert match, code[:80]
    control = dict(pair.split("=", 1) for pair in match.group(1).decode().split(","))
    return control, match.group(2) or b""


def test_kitty_chunks_decode_to_the_same_pixels():
    source = noise(120, 90)
    codes = encode_kitty(source, cols=12, rows=5, image_id=4242)
    assert len(codes) > 5
    parsed = [parse_apc(code) for code in codes]
    first = parsed[0][0]
    assert first["a"] == "T" and first["f"] == "100" and first["i"] == "4242"
    assert first["p"] == "1"  # one placement per image: showing it again replaces it
    assert first["c"] == "12" and first["r"] == "5" and first["q"] == "2"
    for control, payload in parsed[:-1]:
        assert control["m"] == "1"
        assert len(payload) == 4096
    assert parsed[-1][0]["m"] == "0"
    assert 0 < len(parsed[-1][1]) <= 4096
    for control, _ in parsed[1:]:
        assert set(control) == {"m"}  # the keys go with the first chunk only
    png = base64.standard_b64decode(b"".join(payload for _, payload in parsed))
    decoded = Image.open(io.BytesIO(png))
    assert decoded.format == "PNG"
    assert decoded.convert("RGB").tobytes() == source.tobytes()


def test_kitty_small_image_is_one_chunk_and_keeps_transparency():
    source = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    source.putpixel((1, 2), (200, 100, 50, 255))
    codes = encode_kitty(source, 1, 1, 7)
    assert len(codes) == 1
    control, payload = parse_apc(codes[0])
    assert control["m"] == "0"
    decoded = Image.open(io.BytesIO(base64.b64decode(payload)))
    assert decoded.getpixel((1, 2)) == (200, 100, 50, 255)
    assert decoded.getpixel((0, 0))[3] == 0


def test_kitty_delete_by_id():
    assert delete_kitty(7) == b"\x1b_Ga=d,d=I,i=7,q=2\x1b\\"


@pytest.mark.parametrize("image_id", [0, -1, 2**32])
def test_kitty_bad_id_is_refused(image_id):
    with pytest.raises(ValueError, match="id"):
        encode_kitty(noise(2, 2), 1, 1, image_id)
    with pytest.raises(ValueError, match="id"):
        delete_kitty(image_id)


def test_iterm_decodes_to_the_same_pixels():
    source = noise(40, 30)
    code = encode_iterm(source, cols=8, rows=3)
    match = re.fullmatch(rb"\x1b\]1337;File=([^:]*):([A-Za-z0-9+/=]*)\x07", code)
    assert match
    args = dict(pair.split("=", 1) for pair in match.group(1).decode().split(";"))
    data = base64.b64decode(match.group(2), validate=True)
    assert args == {"inline": "1", "size": str(len(data)), "width": "8c", "height": "3c",
                    "preserveAspectRatio": "1"}
    assert Image.open(io.BytesIO(data)).convert("RGB").tobytes() == source.tobytes()


@pytest.mark.parametrize("cells", [(0, 1), (1, 0)])
def test_no_cells_is_refused(cells):
    with pytest.raises(ValueError, match="cell"):
        encode_iterm(noise(2, 2), *cells)
    with pytest.raises(ValueError, match="cell"):
        encode_kitty(noise(2, 2), *cells, image_id=1)
