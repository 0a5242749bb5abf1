# The two commands users need are `make run` and `make test`; the rest serve them.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PYTHON ?= python3
SRC_DIRS := libs/ngsi/src libs/tenant-context/src libs/settings-cli/src libs/boardkit/src sim/src \
	services/gateway/src services/tenant-registry/src \
	services/board-roughnator/src services/board-sleuth/src services/board-fams/src \
	services/board-insight/src services/board-demo/src services/board-monitor/src stack/src \
	loadtest/src bench/src

.PHONY: install run test test-fast lint fmt typecheck bench bench-gateway bench-registry \
	bench-boards bench-pages soak reliability-long clean

$(UV):
	$(PYTHON) -m pip install --user --quiet uv

install: $(UV)
	$(UV) sync --all-packages --frozen

run: install
	$(UV) run --frozen python -m dazzler_stack run

test: install lint typecheck
	$(UV) run --frozen pytest

test-fast: install
	$(UV) run --frozen pytest -m "not integration and not browser"

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

fmt: install
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

typecheck: install
	$(UV) run --frozen mypy $(SRC_DIRS)

# The full benchmark report (bench/report.md with plots); bounded, about 20 minutes.
bench: install
	$(UV) run --frozen python -m dazzler_bench

# Benchmarks print numbers (ratios against a baseline measured in the same run); they are
# not part of `make test`, which runs a short smoke version of each.
bench-gateway: install
	$(UV) run --frozen python services/gateway/bench/proxy_bench.py

bench-registry: install
	$(UV) run --frozen python services/tenant-registry/bench/resolve_bench.py

bench-boards: install
	$(UV) run --frozen python libs/boardkit/bench/board_bench.py

# Bytes on the wire per board page in Chromium: first visit, repeat visit, board switch.
bench-pages: install
	$(UV) run --frozen python libs/boardkit/bench/page_weight.py

# Long runs of what `make test` checks briefly.
soak: install
	$(UV) run --frozen pytest tests/soak --soak-minutes $${SOAK_MINUTES:-10}

reliability-long: install
	$(UV) run --frozen pytest tests/reliability --outage-seconds 60

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache var
