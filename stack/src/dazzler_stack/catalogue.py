"""The processes that make up Dazzler: how each is started, probed, built and deployed.

This is the one place for the per-service facts. The Procfile, ``deploy/Dockerfile``'s build
arguments in docker-compose.yml and the Kubernetes manifests in deploy/k8s repeat some of
them; stack/tests checks each of those against this catalogue.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """How to run one Dazzler process and how to tell that it is ready.

    ``env_prefix`` is the prefix of the service's pydantic settings; ``ports`` names the
    listening sockets the process opens, each with the setting (without prefix) that
    chooses its port. A process with no ports (the generator) is ready once started.
    ``package_dir`` is the workspace member that holds it and ``deployed_as`` the name of
    its docker-compose service and Kubernetes Deployment (``None``: not deployed, the real
    FIWARE services stand in for it). ``live_path`` answers while the process runs, whatever
    its dependencies do: the image's HEALTHCHECK probes it.
    """

    name: str
    module: str
    args: tuple[str, ...]
    env_prefix: str
    ports: tuple[tuple[str, str], ...]
    default_ports: tuple[int, ...]
    package_dir: str
    deployed_as: str | None
    ready_path: str = "/readyz"
    live_path: str = "/healthz"

    @property
    def argv(self) -> tuple[str, ...]:
        """The arguments after ``python``."""
        return ("-m", self.module, *self.args)

    @property
    def port_names(self) -> tuple[str, ...]:
        """The names of this service's sockets, e.g. ``("http",)`` or ``("ql", "orion")``."""
        return tuple(name for name, _ in self.ports)

    @property
    def package(self) -> str:
        """The distribution name of its workspace member, e.g. ``dazzler-board-demo``."""
        return f"dazzler-{PurePosixPath(self.package_dir).name}"

    @property
    def image(self) -> str:
        """The name of the image ``deploy/Dockerfile`` builds for its workspace member."""
        return f"dazzler/{PurePosixPath(self.package_dir).name}"


def image_build_args(spec: ServiceSpec) -> dict[str, str]:
    """The ``--build-arg`` values that make ``deploy/Dockerfile`` the image of ``spec``.

    A process with no socket of its own (the generator) runs in the image of the service
    that shares its workspace member, so it gets that service's arguments.
    """
    spec = next(o for o in SERVICES.values() if o.package_dir == spec.package_dir and o.ports)
    return {
        "PACKAGE_DIR": spec.package_dir,
        "PACKAGE": spec.package,
        "MODULE": spec.module,
        "ARGS": " ".join(spec.args),
        "SETTINGS_PREFIX": spec.env_prefix,
        "PORT": str(spec.default_ports[0]),
        "HEALTH_PATH": spec.live_path,
    }


def docker_build_command(spec: ServiceSpec, tag: str) -> str:
    """The shell command, run from the repository root, that builds the image of ``spec``."""
    build_args = [f"--build-arg={key}={value}" for key, value in image_build_args(spec).items()]
    words = ["docker", "build", "--file=deploy/Dockerfile", *build_args]
    return shlex.join([*words, f"--tag={spec.image}:{tag}", "."])


def _board(name: str, module: str, prefix: str, port: int) -> ServiceSpec:
    return ServiceSpec(
        name=name,
        module=module,
        args=(),
        env_prefix=prefix,
        ports=(("http", "PORT"),),
        default_ports=(port,),
        package_dir=f"services/{name}",
        deployed_as=name,
    )


SERVICES: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        ServiceSpec(
            name="sim",
            module="sim",
            args=("serve",),
            env_prefix="DAZZLER_SIM_",
            ports=(("ql", "QL_PORT"), ("orion", "ORION_PORT")),
            default_ports=(8668, 1026),
            package_dir="sim",
            deployed_as=None,
            # Both stand-ins answer /version as soon as they serve, like the real ones.
            ready_path="/version",
            live_path="/version",
        ),
        ServiceSpec(
            name="generator",
            module="sim",
            args=("generate",),
            env_prefix="DAZZLER_SIM_",
            ports=(),
            default_ports=(),
            package_dir="sim",
            deployed_as="generator",
        ),
        ServiceSpec(
            name="registry",
            module="registry",
            args=("serve",),
            env_prefix="DAZZLER_REGISTRY_",
            ports=(("http", "PORT"),),
            default_ports=(8001,),
            package_dir="services/tenant-registry",
            deployed_as="tenant-registry",
        ),
        ServiceSpec(
            name="gateway",
            module="gateway",
            args=(),
            env_prefix="DAZZLER_GATEWAY_",
            # /metrics names tenants, so it has a socket of its own, off the public port.
            ports=(("http", "PORT"), ("metrics", "METRICS_PORT")),
            default_ports=(8000, 9000),
            package_dir="services/gateway",
            deployed_as="gateway",
        ),
        _board("board-roughnator", "board_roughnator", "DAZZLER_ROUGHNATOR_", 8101),
        _board("board-sleuth", "board_sleuth", "DAZZLER_SLEUTH_", 8102),
        _board("board-fams", "board_fams", "DAZZLER_FAMS_", 8103),
        _board("board-insight", "board_insight", "DAZZLER_INSIGHT_", 8104),
        _board("board-demo", "board_demo", "DAZZLER_DEMO_", 8105),
        _board("board-monitor", "board_monitor", "DAZZLER_MONITOR_", 8106),
    )
}

BOARD_SERVICES: tuple[str, ...] = tuple(name for name in SERVICES if name.startswith("board-"))

# The order `make run` starts and lists them in: data first, then the registry, the boards
# and, last, the gateway in front of them.
ALL_SERVICES: tuple[str, ...] = (
    "sim",
    "generator",
    "registry",
    *BOARD_SERVICES,
    "gateway",
)


def service_spec(name: str) -> ServiceSpec:
    """Return the spec of service ``name``; raise :class:`UnknownService` for any other."""
    try:
        return SERVICES[name]
    except KeyError:
        raise UnknownService(name) from None


class UnknownService(KeyError):
    """A service name that is not one of :data:`SERVICES`."""

    def __str__(self) -> str:
        known = ", ".join(SERVICES)
        return f"unknown service {self.args[0]!r}; known services: {known}"
