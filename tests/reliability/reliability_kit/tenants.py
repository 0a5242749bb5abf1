"""Two tenants with data nobody could mistake for the other's.

Every entity id, value and display name of a tenant carries its marker, so a response
body that contains the other tenant's marker is a leak, whatever route it took.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from dazzler_stack import LocalStack
from ngsi import AsyncQuantumLeapClient, FiwareContext

ENTITY_TYPE = "RoughnessEstimate"
BOARD = "roughnator"


@dataclass(frozen=True, slots=True)
class Tenant:
    """A tenant, its FIWARE service and the strings only its data contains."""

    slug: str
    marker: str
    roughness: float
    acceleration: float

    @property
    def display_name(self) -> str:
        return f"Plant {self.marker}"

    @property
    def entity_ids(self) -> tuple[str, str]:
        return (
            f"urn:ngsi-ld:{ENTITY_TYPE}:{self.marker}-mill-1",
            f"urn:ngsi-ld:{ENTITY_TYPE}:{self.marker}-mill-2",
        )

    @property
    def markers(self) -> tuple[str, ...]:
        """Lower-case strings that appear in no response unless this tenant's data leaks."""
        return (self.marker.lower(), *self.value_markers)

    @property
    def value_markers(self) -> tuple[str, ...]:
        """The tenant's measured values: they leak even where its entity ids are echoed."""
        return (repr(self.roughness), repr(self.acceleration))

    def board_url(self, gateway: str, board: str = BOARD) -> str:
        return f"{gateway}/dazzler/{self.slug}/-/{board}/"


ACME = Tenant("acme", "acmeq7xmark", 1.7771771, 5.4321987)
GLOBEX = Tenant("globex", "globexk3zmark", 2.0202027, 5.9876543)
TENANTS = (ACME, GLOBEX)


def other(tenant: Tenant) -> Tenant:
    return GLOBEX if tenant is ACME else ACME


def register(stack: LocalStack, tenants: tuple[Tenant, ...] = TENANTS) -> None:
    """Create the tenants in the registry and grant each the roughnator board."""
    for tenant in tenants:
        stack.run_command(
            "registry", "tenants", "add", tenant.slug, "--display-name", tenant.display_name
        )
        stack.run_command("registry", "boards", "grant", tenant.slug, BOARD)


async def seed(ql_url: str, tenants: tuple[Tenant, ...] = TENANTS, rows: int = 30) -> None:
    """Write ``rows`` points per entity of each tenant into QuantumLeap, ending now."""
    now = datetime.now(UTC)
    async with httpx.AsyncClient(base_url=ql_url, timeout=10) as http:
        ql = AsyncQuantumLeapClient(http)
        for tenant in tenants:
            ctx = FiwareContext(service=tenant.slug)
            for row in range(rows):
                moment = now - timedelta(seconds=10 * (rows - row))
                entities = [
                    {
                        "id": entity_id,
                        "type": ENTITY_TYPE,
                        "TimeInstant": {"type": "DateTime", "value": moment.isoformat()},
                        "roughness": {"type": "Number", "value": tenant.roughness},
                        "acceleration": {"type": "Number", "value": tenant.acceleration},
                    }
                    for entity_id in tenant.entity_ids
                ]
                await ql.notify(ctx, entities)


def leaked(body: bytes | str, tenant: Tenant, *, values_only: bool = False) -> list[str]:
    """The markers of ``tenant`` found in ``body`` (case-insensitive).

    ``values_only`` ignores the entity ids, for requests that name them themselves.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    lowered = text.lower()
    markers = tenant.value_markers if values_only else tenant.markers
    return [marker for marker in markers if marker in lowered]


TRACE_SIGNS = ("traceback (most recent call last)", 'file "/', "site-packages", '.py", line')


def shows_trace(body: bytes | str) -> bool:
    """Whether a body exposes a Python stack trace or source paths."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    lowered = text.lower()
    return any(sign in lowered for sign in TRACE_SIGNS)
