"""Page weight: bytes on the wire per board page, counted by Chromium through the gateway.

Starts the simulator, the registry (demo tenant seeded), the roughnator, sleuth and FAMS
services and the gateway on free ports, then for every board opens it in a fresh browser
(first visit), again in the same browser (repeat visit), and after another board of the
tenant (board switch); prints one ``<board>.<figure>: <bytes>`` line per figure and each
figure's ratio to its target::

    uv run python libs/boardkit/bench/page_weight.py [--boards roughnator,sleuth]

About a minute. ``make bench`` prints the same figures in its full report.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from dazzler_bench.page_weight import BOARDS, measure_boards, page_weight_stack

TARGETS = {
    "first_visit_bytes": 1_000_000,
    "repeat_visit_bytes": 50_000,
    "board_switch_bytes": 50_000,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--boards", default=",".join(BOARDS), help="Comma-separated boards (at least two)."
    )
    args = parser.parse_args()
    boards = [b for b in args.boards.split(",") if b]
    unknown = sorted(set(boards) - set(BOARDS))
    if unknown or len(boards) < 2:
        parser.error(f"give at least two of {', '.join(BOARDS)} (unknown: {unknown or 'none'})")
    with (
        tempfile.TemporaryDirectory(prefix="page-weight-") as work,
        page_weight_stack(Path(work), boards) as stack,
    ):
        weights = measure_boards(stack.url("gateway"), boards)
    over = 0
    for weight in weights:
        for name, value in weight.figures().items():
            ratio = value / TARGETS[name]
            over += ratio > 1
            print(f"{weight.board}.{name}: {value} ({ratio:.2f} of target)")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
