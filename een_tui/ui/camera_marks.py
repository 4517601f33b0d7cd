"""The cameras marked in the list for a download of several (by ESN, so a reloaded list keeps
them)."""

from __future__ import annotations

from collections.abc import Iterable

from een_tui.api.model import Camera


class Marks:
    """A set of marked ESNs."""

    def __init__(self) -> None:
        self.esns: set[str] = set()

    def __contains__(self, esn: object) -> bool:
        return esn in self.esns

    def __len__(self) -> int:
        return len(self.esns)

    def keep_only(self, cameras: Iterable[Camera]) -> None:
        """Forget the marks of cameras no longer in the list."""
        self.esns &= {c.id for c in cameras if c.id}

    def toggle(self, camera: Camera | None) -> bool | None:
        """Mark or unmark ``camera``; its new state (None: nothing to mark)."""
        if camera is None or not camera.id:
            return None
        if camera.id in self.esns:
            self.esns.discard(camera.id)
            return False
        self.esns.add(camera.id)
        return True

    def mark_all(self, shown: Iterable[Camera]) -> int:
        """Mark every camera of ``shown`` that can be downloaded from; when all of them are
        marked already, unmark them. Returns how many are marked now."""
        usable = {c.id for c in shown if c.usable and c.id}
        if usable and usable <= self.esns:
            self.esns -= usable
        else:
            self.esns |= usable
        return len(self.esns)

    def chosen(self, cameras: Iterable[Camera]) -> list[Camera]:
        """The marked cameras of ``cameras``, in that order."""
        return [c for c in cameras if c.id in self.esns]
