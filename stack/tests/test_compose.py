from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from dazzler_stack.catalogue import SERVICES, ServiceSpec, image_build_args

# Our compose services, each the catalogue entry it deploys.
DEPLOYED: dict[str, ServiceSpec] = {
    spec.deployed_as: spec for spec in SERVICES.values() if spec.deployed_as is not None
}
OUR_IMAGES = set(DEPLOYED)
FIWARE_AND_STORES = {"mongo", "orion", "crate", "quantumleap", "postgres", "redis"}
# Variables that belong to the platform, not to a Settings class.
NOT_SETTINGS = {"PYTHONUNBUFFERED"}


@pytest.fixture(scope="module")
def services(root: Path) -> dict[str, Any]:
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    return dict(compose["services"])


def test_compose_runs_the_whole_stack(services) -> None:
    assert set(services) == set(OUR_IMAGES) | FIWARE_AND_STORES


def test_every_service_has_a_healthcheck(services) -> None:
    for name, service in services.items():
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"


def test_third_party_images_are_pinned(services) -> None:
    for name in FIWARE_AND_STORES:
        image = services[name]["image"]
        assert re.fullmatch(r"[\w./-]+:\d+(\.\d+)+(-[\w.]+)?", image), f"{name}: {image}"
    assert services["quantumleap"]["image"].startswith("orchestracities/quantumleap:")
    assert services["orion"]["image"].startswith("fiware/orion:")


def test_our_services_are_built_from_the_one_dockerfile_as_catalogued(services, root: Path) -> None:
    for name, spec in DEPLOYED.items():
        build = services[name]["build"]
        assert build == {
            "context": ".",
            "dockerfile": "deploy/Dockerfile",
            "args": image_build_args(spec),
        }, name
        assert services[name]["image"].startswith(f"{spec.image}:"), name
    assert (root / "deploy" / "Dockerfile").is_file()


@pytest.mark.parametrize("service", sorted(OUR_IMAGES))
def test_every_variable_has_the_catalogue_settings_prefix(services, service: str) -> None:
    prefix = DEPLOYED[service].env_prefix
    env = set(services[service]["environment"]) - NOT_SETTINGS - {"DAZZLER_SHARED_SECRET"}
    assert {name for name in env if not name.startswith(prefix)} == set()


@pytest.mark.parametrize("service", sorted(n for n, s in DEPLOYED.items() if s.ports))
def test_services_listen_and_are_probed_on_the_catalogue_ports(services, service: str) -> None:
    spec = DEPLOYED[service]
    env = services[service]["environment"]
    # A port the compose file does not set is the Settings default, checked elsewhere.
    http = dict(zip((s for _, s in spec.ports), spec.default_ports, strict=True))["PORT"]
    assert env.get(f"{spec.env_prefix}PORT", str(http)) == str(http)
    probe = " ".join(services[service]["healthcheck"]["test"])
    assert f"localhost:{http}{spec.ready_path}" in probe


def test_dependencies_wait_for_health(services) -> None:
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert condition == {"condition": "service_healthy"}, name
    assert set(services["gateway"]["depends_on"]) >= {
        "tenant-registry",
        *(n for n in sorted(OUR_IMAGES) if n.startswith("board-")),
    }


def test_only_the_gateway_and_the_crate_console_are_published(services) -> None:
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"gateway", "crate"}
    assert all(p.startswith("127.0.0.1:") for p in services["crate"]["ports"])


def test_boards_can_be_scaled(services) -> None:
    # --scale needs no fixed container name and no host port.
    for name in OUR_IMAGES:
        assert "container_name" not in services[name]
        if name != "gateway":
            assert "ports" not in services[name]


def test_gateway_reaches_boards_by_service_name(services) -> None:
    env = services["gateway"]["environment"]
    upstreams = json.loads(env["DAZZLER_GATEWAY_UPSTREAMS"])
    port = {n: services[n]["environment"] for n in OUR_IMAGES if n.startswith("board-")}
    assert set(upstreams) == set(port)
    for board, urls in upstreams.items():
        board_port = next(v for k, v in port[board].items() if k.endswith("_PORT"))
        assert urls == [f"http://{board}:{board_port}"]
    assert env["DAZZLER_GATEWAY_REGISTRY_URL"] == "http://tenant-registry:8001"


def test_secret_comes_from_the_environment(services) -> None:
    for name in ("gateway", *(n for n in sorted(OUR_IMAGES) if n.startswith("board-"))):
        secret = services[name]["environment"]["DAZZLER_SHARED_SECRET"]
        assert secret.startswith("${DAZZLER_SHARED_SECRET:?"), name


def test_generator_feeds_orion_unless_told_to_skip_it(services) -> None:
    env = services["generator"]["environment"]
    assert env["DAZZLER_SIM_MODE"] == "${DAZZLER_SIM_MODE:-orion}"
    assert env["DAZZLER_SIM_ORION_URL"] == "http://orion:1026"
    assert env["DAZZLER_SIM_QL_NOTIFY_URL"] == "http://quantumleap:8668/v2/notify"


@pytest.mark.parametrize("service", sorted(OUR_IMAGES))
def test_every_variable_is_a_setting_of_the_service(
    services, service: str, settings_env_names
) -> None:
    env = set(services[service]["environment"]) - NOT_SETTINGS
    assert env - settings_env_names(service) == set()


@pytest.mark.parametrize("service", sorted(OUR_IMAGES))
def test_every_service_logs_json_lines(services, service: str) -> None:
    env = services[service]["environment"]
    formats = {key: value for key, value in env.items() if key.endswith("_LOG_FORMAT")}
    assert list(formats.values()) == ["json"]


def test_gateway_requires_sign_in_and_never_allows_anonymous(services) -> None:
    env = services["gateway"]["environment"]

    assert env["DAZZLER_GATEWAY_OIDC_ENABLED"] == "true"
    assert env["DAZZLER_GATEWAY_OIDC_ISSUER"].startswith("${DAZZLER_GATEWAY_OIDC_ISSUER:?")
    assert env["DAZZLER_GATEWAY_OIDC_JWKS"].startswith("${DAZZLER_GATEWAY_OIDC_JWKS:?")
    for service in services.values():
        assert "DAZZLER_GATEWAY_ALLOW_ANONYMOUS" not in (service.get("environment") or {})
