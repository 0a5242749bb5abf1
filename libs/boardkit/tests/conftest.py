"""Fixtures for the kit's own tests."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import plotly.graph_objects as go
import pytest
from boardkit import Board, Frame, LiveView, Trace, ViewContext, frame_from_series


@pytest.fixture
def t0() -> datetime:
    return datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def make_frame(t0: datetime):
    def build(entity: str, values: list[float], start: int = 0) -> Frame:
        times = [t0 + timedelta(seconds=start + 2 * i) for i in range(len(values))]
        return frame_from_series(entity, times, {"v": values})

    return build


@pytest.fixture
def live_board(make_frame: Callable[..., Frame]) -> Callable[..., Board]:
    """A live board named ``slug`` whose fetch returns ``frame`` (default: three points of
    ``urn:x:1``) and counts its calls in ``calls["fetch"]``."""

    def build(
        slug: str = "live", frame: Frame | None = None, calls: dict[str, int] | None = None
    ) -> Board:
        shown = frame if frame is not None else make_frame("urn:x:1", [1.0, 2.0, 3.0])

        async def fetch(*_args: object) -> Frame:
            if calls is not None:
                calls["fetch"] = calls.get("fetch", 0) + 1
            return shown

        def traces(frame: Frame, _view: ViewContext) -> list[Trace]:
            xs = [t.isoformat() for t in frame.times]
            return [Trace(key="v", name="v", columns={"x": xs, "y": list(frame.column("v"))})]

        def figure(traces: list[Trace], _view: ViewContext) -> go.Figure:
            return go.Figure(
                [go.Scatter(x=list(t.columns["x"]), y=list(t.columns["y"])) for t in traces]
            )

        view = LiveView(entity_type="T", attrs=("v",), fetch=fetch, traces=traces, figure=figure)
        return Board(slug=slug, title="Live", explanation="", live=view)

    return build


class PrivateRedis:
    """A redis-server of the test's own on a free port: it may be killed and restarted
    (the machine's Redis is never touched)."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.dir = Path(tempfile.mkdtemp(prefix="bk-redis-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self._process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return
            time.sleep(0.05)
        raise TimeoutError("the private redis-server did not start")

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def keys(self) -> int:
        """How many keys the server holds."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            conn.sendall(b"DBSIZE\r\n")
            return int(conn.recv(64).strip().lstrip(b":"))

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.close()
