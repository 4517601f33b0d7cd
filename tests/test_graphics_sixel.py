"""Sixel encoder: decode what it emits (a small decoder written here) and compare pixels."""

import re

import pytest
from PIL import Image

from een_tui.ui.graphics import encode_sixel

QUADRANTS = ((255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0))


def decode_sixel(data: bytes) -> tuple[Image.Image, int, set[tuple[int, int]]]:
    """(image, number of colour registers defined, painted pixels) from one Sixel DCS string."""
    match = re.fullmatch(rb"\x1bP([0-9;]*)q(.*)\x1b\\", data, re.DOTALL)
    assert match, "not one DCS ... q ... ST string"
    body = match.group(2)
    raster = re.match(rb'"1;1;(\d+);(\d+)', body)
    assert raster, "no raster attributes"
    width, height = int(raster.group(1)), int(raster.group(2))
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    painted: set[tuple[int, int]] = set()
    registers: dict[int, tuple[int, int, int]] = {}
    colour = (0, 0, 0)
    x = band = 0
    pos = raster.end()
    token = re.compile(rb"#(\d+)(?:;2;(\d+);(\d+);(\d+))?|!(\d+)([?-~])|([?-~])|(\$)|(-)")
    while pos < len(body):
        tok = token.match(body, pos)
        assert tok, f"unexpected byte {body[pos:pos + 1]!r} at {pos}"
        pos = tok.end()
        if tok.group(1) is not None:
            number = int(tok.group(1))
            if tok.group(2) is not None:
                percent = [int(tok.group(i)) for i in (2, 3, 4)]
                assert all(0 <= p <= 100 for p in percent)
                registers[number] = tuple(round(p * 255 / 100) for p in percent)
            colour = registers[number]
            continue
        if tok.group(8):
            x = 0
            continue
        if tok.group(9):
            x, band = 0, band + 1
            continue
        count, char = (int(tok.group(5)), tok.group(6)) if tok.group(5) else (1, tok.group(7))
        bits = char[0] - 63
        for _ in range(count):
            for bit in range(6):
                y = band * 6 + bit
                if bits >> bit & 1:
                    assert x < width and y < height, "pixel outside the raster"
                    pixels[x, y] = colour
                    painted.add((x, y))
            x += 1
    return image, len(registers), painted


def quadrants(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height))
    half_w, half_h = width // 2, height // 2
    boxes = ((0, 0, half_w, half_h), (half_w, 0, width, half_h),
             (0, half_h, half_w, height), (half_w, half_h, width, height))
    for box, colour in zip(boxes, QUADRANTS, strict=True):
        image.paste(colour, box)
    return image


def many_colours(width: int = 64, height: int = 48) -> Image.Image:
    image = Image.new("RGB", (width, height))
    image.putdata([(x * 4 % 256, y * 5 % 256, (x * y) % 256)
                   for y in range(height) for x in range(width)])
    return image


def test_quadrants_come_back_pixel_for_pixel():
    # 37 x 25: odd halves, and a height that is not a multiple of the six-row band
    source = quadrants(37, 25)
    decoded, registers, painted = decode_sixel(encode_sixel(source))
    assert decoded.size == (37, 25)
    assert len(painted) == 37 * 25
    assert registers == 4
    for y in range(25):
        for x in range(37):
            got, want = decoded.getpixel((x, y)), source.getpixel((x, y))
            assert all(abs(g - w) <= 2 for g, w in zip(got, want, strict=True)), (x, y, got, want)


def test_more_than_256_colours_are_quantised_to_256_registers():
    source = many_colours()
    assert len(source.getcolors(maxcolors=100000)) > 256
    decoded, registers, painted = decode_sixel(encode_sixel(source))
    assert registers <= 256
    assert len(painted) == source.width * source.height
    # Pillow's own quantisation of the source, decoded independently, is what we must see
    reference = source.quantize(256, method=Image.Quantize.MEDIANCUT,
                                dither=Image.Dither.NONE).convert("RGB")
    worst = max(abs(g - w) for g, w in zip(decoded.tobytes(), reference.tobytes(), strict=True))
    assert worst <= 2


def mean_error(a: Image.Image, b: Image.Image) -> float:
    return sum(abs(x - y) for x, y in zip(a.tobytes(), b.tobytes(), strict=True)) / len(a.tobytes())


def test_dithering_keeps_a_gradient_smooth_with_few_colours():
    source = Image.linear_gradient("L").resize((96, 48)).convert("RGB")
    plain, _, _ = decode_sixel(encode_sixel(source, colors=4))
    dithered, _, painted = decode_sixel(encode_sixel(source, colors=4, dither=True))
    assert len(painted) == 96 * 48
    assert dithered.tobytes() != plain.tobytes()

    # seen from afar (averaged over 8x8 blocks) the dithered image is the closer one
    def far(image):
        return image.reduce(8)

    assert mean_error(far(dithered), far(source)) < 0.8 * mean_error(far(plain), far(source))


def test_runs_are_compressed():
    data = encode_sixel(Image.new("RGB", (200, 12), (10, 20, 30)))
    assert data.count(b"!200~") == 2  # two full bands, one run each
    assert len(data) < 60


def test_every_sixel_row_ends_in_a_band_and_palette_is_in_percent():
    data = encode_sixel(quadrants(8, 13))
    assert data.startswith(b'\x1bP0;1;0q"1;1;8;13')
    assert data.endswith(b"\x1b\\")
    assert data.count(b"-") == 2  # three bands (13 rows), two band separators
    assert b";2;100;0;0" in data and b";2;100;100;0" in data  # red and yellow, in percent


@pytest.mark.parametrize("colors", [0, 257])
def test_bad_colour_count_is_refused(colors):
    with pytest.raises(ValueError, match="colours"):
        encode_sixel(quadrants(4, 4), colors=colors)


def test_palette_image_and_alpha_image_are_encoded_as_rgb():
    source = quadrants(12, 12)
    for variant in (source.convert("RGBA"), source.convert("P")):
        decoded, _, _ = decode_sixel(encode_sixel(variant))
        assert decoded.getpixel((0, 0)) == (255, 0, 0)
        assert decoded.getpixel((11, 11)) == (255, 255, 0)


def test_a_full_screen_image_keeps_its_colours_with_the_sampled_palette():
    # larger than the palette sample: the palette comes from a smaller copy, every pixel is
    # still mapped onto it, so solid areas come back exact and a photo-like image stays close
    source = quadrants(700, 400)
    decoded, registers, painted = decode_sixel(encode_sixel(source))
    assert len(painted) == 700 * 400 and registers == 4
    assert decoded.tobytes() == source.tobytes() or max(
        abs(g - w) for g, w in zip(decoded.tobytes(), source.tobytes(), strict=True)) <= 2
    busy = many_colours(64, 48).resize((640, 480), Image.Resampling.BILINEAR)
    decoded, registers, _ = decode_sixel(encode_sixel(busy))
    assert registers <= 256
    # about as close as Pillow's palette chosen from every pixel (computed here, not by us)
    whole = busy.quantize(256, method=Image.Quantize.MEDIANCUT).convert("RGB")
    assert mean_error(decoded, busy) <= 1.15 * mean_error(whole, busy)
