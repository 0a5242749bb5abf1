"""The first-Dazzler stand-in really does a full figure per tick, also behind nginx."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from dazzler_bench.processes import NGINX, baseline_app, nginx_in_front
from dazzler_loadtest.plain_transport import PlainTransport
from dazzler_loadtest.session import BoardSession
from dazzler_stack import LocalStack

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not Path(NGINX).exists(),
        reason=f"nginx not found at {NGINX}: install it with `apt-get install nginx`",
    ),
]


def test_every_poll_sends_a_whole_figure(fiware: LocalStack, tmp_path: Path) -> None:
    time.sleep(2)  # a few ticks of data
    with (
        baseline_app(fiware.url("sim", "ql"), "demo", tmp_path / "baseline.log") as (url, _pid),
        nginx_in_front(url) as proxied,
    ):
        transport = PlainTransport(proxied + "/")
        session = BoardSession(transport)
        page = session.load()
        tickers = session.tickers(0.0, random.Random(0))
        assert [t.name for t in tickers] == ["poll"]
        session.tick(tickers[0])
        session.tick(tickers[0])
        transport.close()
    polls = [e for e in transport.log if e.name == "poll"]
    assert [e.status for e in polls] == [200, 200]
    figure = page.value("graph", "figure")
    assert {trace["name"] for trace in figure["data"]} == {"acceleration", "roughness"}
    assert len(figure["data"][0]["x"]) > 1
    print("baseline figure bytes per poll:", [e.size for e in polls])
