"""The shim's seam for writes tried elsewhere: a verifier's ``trial`` may name what runs instead of the path."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from shim.modes import Mode
from shim.observation import Outcome
from shim.operation import Kind, Operation
from shim.router import Paths, Router
from shim.testing import RecordingPublisher
from shim.writes import ChangeBox

WRITE = Operation(domain="maintenance", name="import_it", kind=Kind.WRITE, verify="elsewhere")


class ElsewhereVerifier:
    """Runs the compared path through a stand-in (as the scratch copy does), recording what it was given."""

    def __init__(self, stand_in_result: Any) -> None:
        self.calls: list[dict[str, Any]] = []
        self.stand_in_result = stand_in_result

    def method(self, op: Operation) -> str | None:
        return op.verify

    @contextlib.contextmanager
    def trial(self, path: str, op: Operation) -> Iterator[ChangeBox]:
        def stand_in(**arguments: Any) -> Any:
            self.calls.append(arguments)
            return self.stand_in_result

        box = ChangeBox(target=stand_in, changes="same")
        yield box

    @contextlib.contextmanager
    def real(self, path: str, op: Operation) -> Iterator[ChangeBox]:
        yield ChangeBox(changes="same")

    def diff(self, answering: ChangeBox, compared: ChangeBox) -> str | None:
        return None if answering.changes == compared.changes else "changes differ"


def route(stand_in_result: Any) -> tuple[Any, ElsewhereVerifier, RecordingPublisher, list[str]]:
    ran: list[str] = []

    def legacy(**arguments: Any) -> Any:
        ran.append("legacy")
        return "imported"

    def sqlalchemy(**arguments: Any) -> Any:
        ran.append("sqlalchemy")
        return None

    publisher = RecordingPublisher()
    verifier = ElsewhereVerifier(stand_in_result)
    router = Router({"maintenance": Mode.SHADOW}, publishers=[publisher], write_verifier=verifier)
    answer = router.call(WRITE, Paths(legacy=legacy, sqlalchemy=sqlalchemy), {"database": "import.db"})
    return answer, verifier, publisher, ran


def test_the_stand_in_runs_instead_of_the_compared_path() -> None:
    answer, verifier, publisher, ran = route("imported")
    assert answer == "imported"
    assert ran == ["legacy"]  # the SQLAlchemy path itself never ran: its stand-in did
    assert verifier.calls == [{"database": "import.db"}]
    event = publisher.events[0]
    assert (event.outcome, event.verification) == (Outcome.MATCH, "elsewhere")


def test_a_stand_in_that_answers_differently_is_a_mismatch() -> None:
    answer, _verifier, publisher, ran = route("refused")
    assert answer == "imported" and ran == ["legacy"]
    assert publisher.events[0].outcome is Outcome.MISMATCH
