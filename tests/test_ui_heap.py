"""The UI gives a run's freed C heap back to the system (issue 12, memory over many cycles)."""

from __future__ import annotations

import ctypes
import subprocess
import sys

import pytest

from een_tui.ui.heap import release_free_heap

PROBE = """
from een_tui.ui.heap import release_free_heap

def rss_kb():
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))

blocks = [bytearray(2000) for _ in range(40_000)]  # ~80 MB in malloc'd blocks below mmap size
kept = blocks[::100]  # a few stay alive, so the freed pages sit between live ones
del blocks
before = rss_kb()
assert release_free_heap()
print(before, rss_kb())
"""


def glibc() -> bool:
    try:
        ctypes.CDLL(None).malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return False
    return True


def test_release_free_heap_is_safe_to_call_anywhere():
    assert release_free_heap() is glibc()
    assert release_free_heap() is glibc()  # and again


@pytest.mark.skipif(not glibc() or not sys.platform.startswith("linux"),
                    reason="malloc_trim is glibc's (Linux)")
def test_freed_blocks_go_back_to_the_system():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          timeout=120, check=True)
    before, after = (int(n) for n in done.stdout.split())
    assert before - after > 40_000  # of ~80 MB freed but held, most is returned (kB)


CYCLES = """
import gc, weakref
from een_tui.ui.heap import freeze_startup_objects, release_free_heap

class Node:
    pass

gc.disable()  # no collection but the one under test
freeze_startup_objects()
refs = []
for _ in range(50):
    a, b = Node(), Node()
    a.other, b.other, a.data = b, a, bytearray(100_000)  # a cycle holding 100 kB
    refs.append(weakref.ref(a))
del a, b
alive_before = sum(r() is not None for r in refs)
release_free_heap()
print(alive_before, sum(r() is not None for r in refs), gc.get_freeze_count() > 0)
"""


def test_a_runs_reference_cycles_are_freed_when_it_ends():
    done = subprocess.run([sys.executable, "-c", CYCLES], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["50", "0", "True"]


RELOAD = """
import gc, weakref
from een_tui.ui.heap import freeze_startup_objects, release_free_heap

class Screen:  # a run's screen: widgets that point back at each other
    pass

gc.disable()
freeze_startup_objects()  # the first camera list
screen = Screen()
screen.me, screen.data = screen, bytearray(1_000_000)
ref = weakref.ref(screen)
freeze_startup_objects()  # R reloads the list while the last run's screen is still held
del screen  # the next run replaces it
release_free_heap()  # and ends
print(ref() is None)
"""


def test_a_reloaded_camera_list_does_not_freeze_what_a_run_left():
    """Only the start-up is frozen: a screen alive at a reload (``R``) is still freed later."""
    done = subprocess.run([sys.executable, "-c", RELOAD], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["True"]
