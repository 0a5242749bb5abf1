"""Client methods written once, as plan factories, and bound as sync or async calls.

Each public method of a client builds a :data:`~ngsi._transport.Plan`; the class it is
read from decides how the plan runs: a :class:`SyncRunner` runs it to its result, an
:class:`AsyncRunner` gives a coroutine that does. So the sync and the async clients
cannot drift apart: they have the very same methods, arguments and documentation.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

import httpx

from ngsi._transport import Plan, RetryPolicy, run_async, run_sync

P = ParamSpec("P")
T = TypeVar("T")
H = TypeVar("H", bound=httpx.Client | httpx.AsyncClient)


class PlanRunner(Generic[H]):
    """Holds the caller-owned httpx client and the retry policy for reads."""

    def __init__(self, http: H, *, max_attempts: int, backoff: float) -> None:
        self._http: H = http
        self._retry = RetryPolicy(attempts=max_attempts, backoff=backoff)


class SyncRunner(PlanRunner[httpx.Client]):
    """Runs each plan to its result before the method returns."""

    def _run(self, plan: Plan[T]) -> T:
        return run_sync(self._http, plan, self._retry)


class AsyncRunner(PlanRunner[httpx.AsyncClient]):
    """Runs each plan when the method's coroutine is awaited."""

    async def _run(self, plan: Plan[T]) -> T:
        return await run_async(self._http, plan, self._retry)


class ClientMethod(Generic[P, T]):
    """A public client method: ``plan_of(client, *args)`` builds the plan to run.

    Read from a sync client it is a plain method returning ``T``; read from an async
    client, a coroutine function returning ``T``. Either way it has ``plan_of``'s name,
    docstring and signature (less ``self``), so ``help()`` and ``inspect`` show the
    real arguments. Argument errors (ValueError) surface when the method is called,
    or for the async client awaited, before any request.
    """

    def __init__(self, plan_of: Callable[Concatenate[Any, P], Plan[T]]) -> None:
        self._plan_of = plan_of
        self.__name__ = plan_of.__name__
        self.__qualname__ = plan_of.__qualname__
        self.__doc__ = plan_of.__doc__
        signature = inspect.signature(plan_of)
        # The plan factory's return annotation is the plan, not what the caller gets.
        self.__signature__ = signature.replace(
            parameters=list(signature.parameters.values())[1:],
            return_annotation=inspect.Signature.empty,
        )

    @overload
    def __get__(self, client: None, owner: type[Any] | None = None) -> Self: ...

    @overload
    def __get__(self, client: SyncRunner, owner: type[Any] | None = None) -> Callable[P, T]: ...

    @overload
    def __get__(
        self, client: AsyncRunner, owner: type[Any] | None = None
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...

    def __get__(self, client: object, owner: type[Any] | None = None) -> object:
        if client is None:
            return self
        plan_of = self._plan_of
        bound: Callable[..., object]
        if isinstance(client, AsyncRunner):

            async def bound(*args: Any, **kwargs: Any) -> T:
                return await client._run(plan_of(client, *args, **kwargs))

        elif isinstance(client, SyncRunner):

            def bound(*args: Any, **kwargs: Any) -> T:
                return client._run(plan_of(client, *args, **kwargs))

        else:
            raise TypeError(f"{self.__qualname__} needs a SyncRunner or an AsyncRunner client")
        return self._named(bound)

    def _named(self, bound: Any) -> Any:
        bound.__name__ = self.__name__
        bound.__qualname__ = self.__qualname__
        bound.__doc__ = self.__doc__
        bound.__signature__ = self.__signature__
        return bound
