"""``python -m dazzler_bench``: the whole benchmark, then ``bench/report.md``."""

from __future__ import annotations

from dazzler_bench.main import main

raise SystemExit(main())
