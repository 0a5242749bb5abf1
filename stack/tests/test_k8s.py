from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from dazzler_stack.catalogue import SERVICES, ServiceSpec

Obj = dict[str, Any]
# The Deployments: every catalogued service that listens (the generator has no place in a
# cluster, where real FIWARE services hold the data), by Deployment name.
DEPLOYED: dict[str, ServiceSpec] = {
    spec.deployed_as: spec
    for spec in SERVICES.values()
    if spec.deployed_as is not None and spec.ports
}
BOARDS = [name for name in DEPLOYED if name.startswith("board-")]
DEPLOYMENT_SERVICE = {name: spec.name for name, spec in DEPLOYED.items()}
FIWARE_NAMESPACE = {"matchLabels": {"kubernetes.io/metadata.name": "fiware"}}


def _render_in_python(directory: Path) -> list[Obj]:
    # What `kubectl kustomize` does with this kustomization: the resources, in the
    # kustomization's namespace (the Namespace object itself excepted).
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    objects: list[Obj] = []
    for resource in kustomization["resources"]:
        for obj in yaml.safe_load_all((directory / resource).read_text()):
            if obj is None:
                continue
            if obj["kind"] != "Namespace" and "namespace" in kustomization:
                obj["metadata"]["namespace"] = kustomization["namespace"]
            objects.append(obj)
    return objects


def _render_with_kubectl(directory: Path) -> list[Obj] | None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return None
    result = subprocess.run(
        [kubectl, "kustomize", str(directory)], capture_output=True, text=True, check=True
    )
    return [obj for obj in yaml.safe_load_all(result.stdout) if obj]


@pytest.fixture(scope="module")
def objects(root: Path) -> list[Obj]:
    directory = root / "deploy" / "k8s"
    return _render_with_kubectl(directory) or _render_in_python(directory)


def _of(objects: list[Obj], kind: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def test_python_rendering_agrees_with_kubectl(root: Path) -> None:
    directory = root / "deploy" / "k8s"
    rendered = _render_with_kubectl(directory)
    if rendered is None:
        pytest.skip("kubectl is not installed")
    ours = _render_in_python(directory)
    key = lambda o: (o["kind"], o["metadata"]["name"], o["metadata"].get("namespace"))  # noqa: E731
    assert sorted(map(key, ours)) == sorted(map(key, rendered))


def test_every_service_is_deployed(objects) -> None:
    assert set(_of(objects, "Deployment")) == set(DEPLOYMENT_SERVICE)
    assert all(
        o["metadata"].get("namespace") == "dazzler" for o in objects if o["kind"] != "Namespace"
    )


def test_every_deployment_has_probes_resources_and_runs_as_non_root(objects) -> None:
    for name, deployment in _of(objects, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"] + pod.get("initContainers", []):
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert container["resources"]["requests"], name
            assert container["resources"]["limits"], name
        for container in pod["containers"]:
            assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", name
            assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name


def test_services_select_their_deployment_and_ports_agree(objects) -> None:
    deployments = _of(objects, "Deployment")
    for name, service in _of(objects, "Service").items():
        deployment = deployments[name]
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert _matches(service["spec"]["selector"], pod_labels), name
        assert _matches(deployment["spec"]["selector"]["matchLabels"], pod_labels), name
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        for port in service["spec"]["ports"]:
            assert ports[port["targetPort"]] == port["port"], name
            assert str(port["port"]) in env.values(), f"{name} does not listen on {port['port']}"
            for probe in ("readinessProbe", "livenessProbe"):
                assert container[probe]["httpGet"]["port"] in (port["targetPort"], port["port"])


def test_every_board_scales_with_an_hpa(objects) -> None:
    targets = {
        h["spec"]["scaleTargetRef"]["name"]
        for h in _of(objects, "HorizontalPodAutoscaler").values()
        if h["spec"]["scaleTargetRef"]["kind"] == "Deployment"
    }
    assert targets >= set(BOARDS)
    for hpa in _of(objects, "HorizontalPodAutoscaler").values():
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]


def test_boards_accept_traffic_only_from_the_gateway(objects) -> None:
    deployments = _of(objects, "Deployment")
    gateway_labels = deployments["gateway"]["spec"]["template"]["metadata"]["labels"]
    policies = _of(objects, "NetworkPolicy").values()
    for board in BOARDS:
        labels = deployments[board]["spec"]["template"]["metadata"]["labels"]
        covering = [
            p for p in policies if _matches(p["spec"]["podSelector"]["matchLabels"], labels)
        ]
        assert covering, f"no NetworkPolicy covers {board}"
        for policy in covering:
            assert "Ingress" in policy["spec"]["policyTypes"]
            for rule in policy["spec"]["ingress"]:
                for peer in rule["from"]:
                    if "namespaceSelector" in peer:
                        # Orion's namespace, for change notifications; nothing else.
                        assert peer == {"namespaceSelector": FIWARE_NAMESPACE}
                        continue
                    assert set(peer) == {"podSelector"}, "only pods, not IPs"
                    assert _matches(peer["podSelector"]["matchLabels"], gateway_labels)
                    assert not _matches(peer["podSelector"]["matchLabels"], labels)
    assert not any(
        _matches(p["spec"]["podSelector"]["matchLabels"], gateway_labels) for p in policies
    ), "the gateway must stay reachable from the Ingress"


def test_ingress_sends_dazzler_to_the_gateway(objects) -> None:
    (ingress,) = _of(objects, "Ingress").values()
    (path,) = ingress["spec"]["rules"][0]["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/dazzler", "Prefix")
    backend = path["backend"]["service"]
    assert backend["name"] == "gateway"
    service_ports = {p["name"] for p in _of(objects, "Service")["gateway"]["spec"]["ports"]}
    assert backend["port"]["name"] in service_ports


def test_secret_is_a_template_without_values(objects) -> None:
    for secret in _of(objects, "Secret").values():
        values = {**secret.get("stringData", {}), **secret.get("data", {})}
        assert "DAZZLER_SHARED_SECRET" in values
        assert set(values.values()) == {""}


def test_gateway_upstreams_name_board_services_and_ports(objects) -> None:
    settings = _of(objects, "ConfigMap")["dazzler-settings"]["data"]
    upstreams = json.loads(settings["DAZZLER_GATEWAY_UPSTREAMS"])
    services = _of(objects, "Service")
    assert set(upstreams) == set(BOARDS)
    for board, urls in upstreams.items():
        (url,) = urls
        parts = urlsplit(url)
        assert parts.hostname == board
        assert parts.port in [p["port"] for p in services[board]["spec"]["ports"]]
        # Headless: DNS gives the gateway every replica, and it balances across them.
        assert services[board]["spec"]["clusterIP"] == "None"
    registry = urlsplit(settings["DAZZLER_GATEWAY_REGISTRY_URL"])
    assert registry.hostname in services


def test_every_variable_is_a_setting_somewhere(objects, settings_env_names) -> None:
    deployments = _of(objects, "Deployment")
    shared: set[str] = set()
    for kind in ("ConfigMap", "Secret"):
        for obj in _of(objects, kind).values():
            shared |= set(obj.get("data", {})) | set(obj.get("stringData", {}))
    known_anywhere = set().union(*(settings_env_names(s) for s in DEPLOYMENT_SERVICE.values()))
    assert shared - known_anywhere == set()
    for name, deployment in deployments.items():
        known = settings_env_names(DEPLOYMENT_SERVICE[name])
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            env = container.get("env", [])
            # A variable only other variables are made of ($(NAME)) is not a setting.
            parts = {e["name"] for e in env if any(f"$({e['name']})" in str(o) for o in env)}
            assert {e["name"] for e in env} - known - parts == set(), name


def test_orion_notifies_each_board_replica_at_its_own_address(objects, settings_env_names) -> None:
    deployments = _of(objects, "Deployment")
    for board in BOARDS:
        (container,) = deployments[board]["spec"]["template"]["spec"]["containers"]
        env = {e["name"]: e for e in container["env"]}
        port = container["ports"][0]["containerPort"]
        (name,) = [n for n in env if n.endswith("_PUSH_NOTIFY_URL")]
        assert name in settings_env_names(DEPLOYMENT_SERVICE[board])
        # {ip}, not the Service's name, which would reach any replica.
        assert env[name]["value"] == f"http://{{ip}}:{port}"


def test_every_service_logs_json_lines(objects, settings_env_names) -> None:
    shared: dict[str, str] = {}
    for config in _of(objects, "ConfigMap").values():
        shared.update(config.get("data", {}))
    for name, service in DEPLOYMENT_SERVICE.items():
        formats = {k: v for k, v in shared.items() if k in settings_env_names(service)}
        formats = {k: v for k, v in formats.items() if k.endswith("_LOG_FORMAT")}
        assert set(formats.values()) == {"json"}, name


def test_gateway_requires_sign_in_and_never_allows_anonymous(objects) -> None:
    values: dict[str, str] = {}
    for kind in ("ConfigMap", "Secret"):
        for obj in _of(objects, kind).values():
            values.update(obj.get("data", {}))
            values.update(obj.get("stringData", {}))
    for deployment in _of(objects, "Deployment").values():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            values.update({e["name"]: e.get("value", "") for e in container.get("env", [])})

    assert values["DAZZLER_GATEWAY_OIDC_ENABLED"] == "true"
    assert values["DAZZLER_GATEWAY_OIDC_ISSUER"]
    assert "DAZZLER_GATEWAY_OIDC_JWKS" in values
    assert "DAZZLER_GATEWAY_ALLOW_ANONYMOUS" not in values


def test_deployments_run_the_catalogue_image_ports_and_prefix(objects) -> None:
    for name, deployment in _of(objects, "Deployment").items():
        spec = DEPLOYED[name]
        pod = deployment["spec"]["template"]["spec"]
        for container in pod["containers"] + pod.get("initContainers", []):
            assert container["image"].startswith(f"{spec.image}:"), name
            env = {e["name"] for e in container.get("env", [])}
            assert all(e.startswith(spec.env_prefix) for e in env), name
        container = pod["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        env_values = {e["name"]: e.get("value") for e in container.get("env", [])}
        for (port_name, setting), port in zip(spec.ports, spec.default_ports, strict=True):
            if port_name in ports:
                assert ports[port_name] == port, (name, port_name)
            assert env_values.get(spec.env_prefix + setting, str(port)) == str(port), name
        assert ports["http"] == spec.default_ports[0], name


def test_per_client_limits_sit_at_the_ingress_not_the_gateway(objects) -> None:
    # Every connection reaches the gateway from an ingress controller pod: a gateway cap per
    # client address would refuse all viewers together once a few hundred boards are open.
    settings = _of(objects, "ConfigMap")["dazzler-settings"]["data"]
    overall = int(settings["DAZZLER_GATEWAY_MAX_CONNECTIONS"])
    assert int(settings["DAZZLER_GATEWAY_MAX_CONNECTIONS_PER_CLIENT"]) >= overall
    (ingress,) = _of(objects, "Ingress").values()
    annotations = ingress["metadata"].get("annotations", {})
    assert int(annotations["nginx.ingress.kubernetes.io/limit-connections"]) > 0
