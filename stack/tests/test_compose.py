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
# The demo sign-in, so that compose starts with authentication on and something to sign in to.
IDENTITY = {"keycloak"}
REALM_FILE = "deploy/keycloak/dazzler-realm.json"
# Variables that belong to the platform, not to a Settings class.
NOT_SETTINGS = {"PYTHONUNBUFFERED"}


@pytest.fixture(scope="module")
def services(root: Path) -> dict[str, Any]:
    compose = yaml.safe_load((root / "docker-compose.yml").read_text())
    return dict(compose["services"])


def test_compose_runs_the_whole_stack(services) -> None:
    assert set(services) == set(OUR_IMAGES) | FIWARE_AND_STORES | IDENTITY


def test_every_service_has_a_healthcheck(services) -> None:
    for name, service in services.items():
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"


def test_third_party_images_are_pinned(services) -> None:
    for name in FIWARE_AND_STORES | IDENTITY:
        image = services[name]["image"]
        assert re.fullmatch(r"[\w./-]+:\d+(\.\d+)+(-[\w.]+)?", image), f"{name}: {image}"
    assert services["quantumleap"]["image"].startswith("orchestracities/quantumleap:")
    assert services["keycloak"]["image"].startswith("quay.io/keycloak/keycloak:")
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


def test_only_the_gateway_is_published_beyond_this_machine(services) -> None:
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"gateway", "crate", "keycloak"}
    for name in ("crate", "keycloak"):
        assert all(p.startswith("127.0.0.1:") for p in services[name]["ports"]), name


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


def test_orion_notifies_each_board_replica_at_its_own_address(services, settings_env_names) -> None:
    for name in (n for n in sorted(OUR_IMAGES) if n.startswith("board-")):
        env = services[name]["environment"]
        port = next(v for k, v in env.items() if k.endswith("_PORT"))
        (key,) = [k for k in env if k.endswith("_PUSH_NOTIFY_URL")]
        assert key in settings_env_names(name)
        # {ip}, not the service name: with --scale, the name would reach any replica.
        assert env[key] == f"http://{{ip}}:{port}"


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


def _default(value: str) -> str:
    """The default of a ``${NAME:-default}`` value; fails for anything else."""
    match = re.fullmatch(r"\$\{(\w+):-(.*)\}", value)
    assert match, f"{value!r} is not ${{NAME:-default}}"
    return match[2]


def _required(value: str) -> str:
    """The variable of a ``${NAME:?message}`` value: compose refuses to start without it."""
    match = re.fullmatch(r"\$\{(\w+):\?.+\}", value)
    assert match, f"{value!r} is not ${{NAME:?message}}"
    return match[1]


@pytest.fixture(scope="module")
def realm(root: Path) -> dict[str, Any]:
    return dict(json.loads((root / REALM_FILE).read_text()))


@pytest.fixture(scope="module")
def gateway_client(realm: dict[str, Any]) -> dict[str, Any]:
    (client,) = realm["clients"]
    return dict(client)


def _mapper(client: dict[str, Any], kind: str) -> dict[str, str]:
    (mapper,) = [m for m in client["protocolMappers"] if m["protocolMapper"] == kind]
    return dict(mapper["config"])


def test_gateway_requires_sign_in_and_never_allows_anonymous(services) -> None:
    env = services["gateway"]["environment"]

    assert env["DAZZLER_GATEWAY_OIDC_ENABLED"] == "true"
    # Each has a default (the demo realm) that .env can replace with the factory's issuer.
    for setting in ("ISSUER", "JWKS", "AUDIENCE"):
        value = env[f"DAZZLER_GATEWAY_OIDC_{setting}"]
        assert value.startswith(f"${{DAZZLER_GATEWAY_OIDC_{setting}:-"), setting
        assert _default(value), setting
    for service in services.values():
        assert "DAZZLER_GATEWAY_ALLOW_ANONYMOUS" not in (service.get("environment") or {})
    assert services["gateway"]["depends_on"]["keycloak"] == {"condition": "service_healthy"}


def test_keycloak_imports_the_demo_realm_file(services, root: Path, realm) -> None:
    keycloak = services["keycloak"]
    assert "--import-realm" in keycloak["command"]
    assert f"./{Path(REALM_FILE).parent}:/opt/keycloak/data/import:ro" in keycloak["volumes"]
    assert realm["realm"] == "dazzler"
    assert realm["enabled"] is True
    assert realm["registrationAllowed"] is False


def test_gateway_trusts_the_issuer_keys_and_audience_of_the_demo_realm(
    services, realm, gateway_client
) -> None:
    gateway = services["gateway"]["environment"]
    keycloak = services["keycloak"]["environment"]
    name = realm["realm"]
    hostname = _default(keycloak["KC_HOSTNAME"])

    # Tokens name KC_HOSTNAME's realm as issuer; the gateway requires exactly that.
    assert _default(gateway["DAZZLER_GATEWAY_OIDC_ISSUER"]) == f"{hostname}/realms/{name}"
    # ... where the published port answers.
    (published,) = services["keycloak"]["ports"]
    port = re.fullmatch(r"127\.0\.0\.1:\$\{KEYCLOAK_PORT:-(\d+)\}:8080", published)
    assert port, published
    assert hostname.endswith(f":{port[1]}")
    # Its keys, fetched inside the compose network from the service itself.
    jwks = _default(gateway["DAZZLER_GATEWAY_OIDC_JWKS"])
    assert jwks == f"http://keycloak:8080/realms/{name}/protocol/openid-connect/certs"
    # Access tokens carry the audience the gateway requires.
    audience = _mapper(gateway_client, "oidc-audience-mapper")
    assert audience["included.custom.audience"] == _default(
        gateway["DAZZLER_GATEWAY_OIDC_AUDIENCE"]
    )
    assert audience["access.token.claim"] == "true"


def test_access_tokens_name_the_tenant_in_the_claim_the_gateway_reads(
    services, realm, gateway_client
) -> None:
    from gateway.config import Settings

    env = services["gateway"]["environment"]
    claim = env.get(
        "DAZZLER_GATEWAY_OIDC_TENANT_CLAIM", Settings.model_fields["oidc_tenant_claim"].default
    )
    tenant = _mapper(gateway_client, "oidc-usermodel-attribute-mapper")
    assert tenant["claim.name"] == claim
    assert tenant["access.token.claim"] == "true"
    assert tenant["jsonType.label"] == "String"
    assert tenant["multivalued"] == "false"
    # Only an administrator sets a user's tenant: users cannot move to another factory.
    (profile,) = realm["components"]["org.keycloak.userprofile.UserProfileProvider"]
    attributes = json.loads(profile["config"]["kc.user.profile.config"][0])["attributes"]
    (declared,) = [a for a in attributes if a["name"] == tenant["user.attribute"]]
    assert declared["permissions"]["edit"] == ["admin"]
    assert declared["multivalued"] is False


def test_the_public_client_serves_viewers_of_the_gateway(gateway_client) -> None:
    assert gateway_client["publicClient"] is True
    assert gateway_client["attributes"]["pkce.code.challenge.method"] == "S256"
    assert gateway_client["implicitFlowEnabled"] is False
    assert all(uri.endswith(":8000/*") for uri in gateway_client["redirectUris"])


def test_demo_users_one_per_seeded_tenant_with_passwords_from_env(services, realm) -> None:
    keycloak = services["keycloak"]["environment"]
    users = {user["username"]: user for user in realm["users"]}

    assert {u["attributes"]["tenant"][0] for u in users.values()} == {"demo", "acme"}
    for name, user in users.items():
        (credential,) = user["credentials"]
        # A placeholder Keycloak fills from its environment, never a password in the repo.
        variable = re.fullmatch(r"\$\{(\w+)\}", credential["value"])
        assert variable, name
        assert _required(keycloak[variable[1]]) == variable[1]
        assert user["requiredActions"] == [], name
    assert _required(keycloak["KC_BOOTSTRAP_ADMIN_PASSWORD"]) == "KEYCLOAK_ADMIN_PASSWORD"


def test_env_example_lists_every_variable_compose_reads_with_its_default(root: Path) -> None:
    compose = (root / "docker-compose.yml").read_text()
    example = dict(
        line.split("=", 1)
        for line in (root / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    used = re.findall(r"\$\{(\w+)(?::([-?])([^}]*))?\}", compose)

    assert {name for name, _, _ in used} <= set(example)
    for name, kind, default in used:
        if kind == "-":
            assert example[name] == default, name
        elif kind == "?":
            # Required values are left for the reader to fill in, not given a demo value.
            assert example[name] == "", name
