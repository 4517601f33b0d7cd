"""Property-based: no row and no list body, however malformed, makes the parser raise."""

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from een_tui.api.devices import Device, UnreadableRow, parse_device_list, parse_device_row

REAL_ROWS = json.loads(
    (Path(__file__).parent / "fixtures" / "een-v1-2019" / "device_list.json").read_text())

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                               max_size=3),
    max_leaves=12,
)


@st.composite
def mutated_real_rows(draw):
    """A real row with some fields replaced by arbitrary JSON and a random length."""
    row = list(draw(st.sampled_from(REAL_ROWS)))
    for index in draw(st.lists(st.integers(0, len(row) - 1), max_size=8)):
        row[index] = draw(json_values)
    length = draw(st.integers(0, 35))
    row = (row + [draw(json_values) for _ in range(max(0, length - len(row)))])[:length]
    return row


rows = mutated_real_rows() | st.lists(json_values, max_size=32) | json_values


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_a_row_either_parses_or_is_reported_unreadable(row):
    try:
        device = parse_device_row(row)
    except UnreadableRow:
        return
    assert isinstance(device, Device)
    assert isinstance(device.name, str) and device.name
    assert device.id is None or len(device.id) == 8
    assert all(isinstance(esn, str) for esn in device.bridges)
    device.usable  # noqa: B018 - the properties must not raise either
    device.unusable_reason  # noqa: B018


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows, max_size=20))
def test_a_list_body_never_raises_and_every_row_is_accounted_for(body):
    result = parse_device_list(body)
    assert len(result.devices) + result.skipped == len(body)


@settings(max_examples=50)
@given(st.lists(mutated_real_rows(), min_size=1, max_size=10))
def test_rows_of_length_14_or_more_with_a_type_always_parse(body):
    readable = [r for r in body if len(r) >= 14 and isinstance(r[3], str) and r[3].strip()
                and any(c.isprintable() and not c.isspace() for c in r[3])]
    result = parse_device_list(body)
    assert len(result.devices) >= len(readable)
