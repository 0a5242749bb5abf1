"""Building the gateway: the middleware stack around the router, and its lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys

import aiohttp

from gateway.asgi import ASGIApp, Receive, Scope, Send
from gateway.change_poll import ChangePoller
from gateway.config import Settings, get_settings
from gateway.context_headers import ContextSigner
from gateway.edge import EdgeMiddleware
from gateway.invalidation import ChangeListener
from gateway.live_streams import LiveStreams
from gateway.metrics import Metrics
from gateway.middleware.access_log import AccessLogMiddleware, AccessLogWriter
from gateway.middleware.body_limit import BodyLimitMiddleware
from gateway.middleware.errors import ErrorPageMiddleware
from gateway.middleware.metrics import MetricsMiddleware
from gateway.middleware.oidc import OidcMiddleware
from gateway.middleware.request_id import RequestIdMiddleware
from gateway.middleware.target import TargetMiddleware
from gateway.oidc import TokenVerifier, load_jwks
from gateway.proxy import Proxy
from gateway.registry_client import Changes, RegistryClient
from gateway.route_cache import RouteCache
from gateway.router import Router
from gateway.routes import RouteTable
from gateway.static_assets import StaticAssetRoute
from gateway.upstream_client import UpstreamClient
from gateway.upstreams import Upstreams

_log = logging.getLogger("gateway")
# Log levels at which the access log is written: one line per request would bury every
# other message (and every readiness probe of a starting stack) at the default level.
_ACCESS_LOG_LEVELS = frozenset({"trace", "debug"})


class GatewayApp:
    """The ASGI application; its HTTP session and background tasks live in the lifespan."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.upstreams = Upstreams(settings.upstreams, cooldown=settings.replica_cooldown)
        self.cache = RouteCache(
            self._fetch_routes,
            ttl=settings.cache_ttl,
            stale_limit=settings.stale_limit,
            max_entries=settings.cache_max_tenants,
            on_event=self.metrics.cache_event,
        )
        # Open WebSockets and streams are re-checked whenever their tenant's routes change.
        self.live = LiveStreams(self.cache.get)
        self.cache.on_change(self.live.tenant_changed)
        self.poller = ChangePoller(
            self._fetch_changes, self.cache.invalidate, interval=settings.change_poll_interval
        )
        self._session: aiohttp.ClientSession | None = None
        self._client: UpstreamClient | None = None
        self._registry: RegistryClient | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.listener = (
            ChangeListener(settings.redis_url, self.cache.invalidate)
            if settings.redis_url
            else None
        )
        self._verifier = (
            TokenVerifier(
                load_jwks(settings.oidc_jwks),
                algorithms=settings.oidc_algorithms,
                issuer=settings.oidc_issuer,
                audience=settings.oidc_audience,
                tenant_claim=settings.oidc_tenant_claim,
                leeway=settings.oidc_leeway,
            )
            if settings.oidc_enabled
            else None
        )
        self._stack: ASGIApp | None = None
        logs_access = settings.log_level.lower() in _ACCESS_LOG_LEVELS
        self.access_log = AccessLogWriter(sys.stdout) if logs_access else None

    async def _fetch_routes(self, tenant: str) -> RouteTable | None:
        assert self._registry is not None, "the lifespan has not started"
        return await self._registry.routes(tenant, self.poller.generation)

    async def _fetch_changes(self, after: int | None) -> Changes:
        assert self._registry is not None, "the lifespan has not started"
        return await self._registry.changes(after)

    def _build(self, session: aiohttp.ClientSession) -> ASGIApp:
        settings = self.settings
        self._registry = RegistryClient(session, settings.registry_url, settings.registry_timeout)
        self._client = UpstreamClient(
            connect_timeout=settings.connect_timeout, read_timeout=settings.upstream_timeout
        )
        proxy = Proxy(
            self._client,
            self.upstreams,
            ContextSigner(settings.shared_secret.get_secret_value()),
            self.metrics,
            self.live,
        )
        app: ASGIApp = Router(
            cache=self.cache,
            registry=self._registry,
            proxy=proxy,
            metrics=self.metrics,
            stale_limit=settings.stale_limit,
        )
        if self._verifier is not None:
            app = OidcMiddleware(app, self._verifier)
        app = TargetMiddleware(app)
        # Outside the tenant path parsing and OIDC: the shared assets name no tenant.
        app = StaticAssetRoute(app, proxy, self.upstreams)
        app = BodyLimitMiddleware(app, settings.max_body_bytes)
        app = ErrorPageMiddleware(app)
        app = MetricsMiddleware(app, self.metrics)
        if self.access_log is not None:
            app = AccessLogMiddleware(app, self.access_log)
        return EdgeMiddleware(RequestIdMiddleware(app))

    async def startup(self) -> None:
        """Open the upstream session, resolve replicas, start the background tasks."""
        connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=30, ttl_dns_cache=None)
        self._session = aiohttp.ClientSession(
            connector=connector,
            # Never keep cookies: one session serves every tenant.
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept"),
        )
        self._stack = self._build(self._session)
        await self.upstreams.refresh()
        self._tasks.append(
            asyncio.create_task(self.upstreams.run_refresher(self.settings.dns_refresh))
        )
        self._tasks.append(asyncio.create_task(self.poller.run()))
        if self.listener is not None:
            self._tasks.append(asyncio.create_task(self.listener.run()))

    async def shutdown(self) -> None:
        """Stop the background tasks and close the session."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._client is not None:
            await self._client.close()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self.access_log is not None:
            self.access_log.flush()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    _log.exception("gateway failed to start")
                    await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if self._stack is None:
            raise RuntimeError("the gateway is served without its lifespan")
        await self._stack(scope, receive, send)


def create_app(settings: Settings | None = None) -> GatewayApp:
    """Return the gateway as an ASGI app; nothing starts until its lifespan does."""
    return GatewayApp(settings or get_settings())
