"""QuantumLeap and Orion stand-ins and the live data generator (`python -m sim`)."""

from __future__ import annotations

from sim.config import Settings, get_settings
from sim.generator.runner import Generator, run_generator
from sim.orion.app import create_orion_app
from sim.ql.app import create_ql_app

__all__ = [
    "Generator",
    "Settings",
    "create_orion_app",
    "create_ql_app",
    "get_settings",
    "run_generator",
]
