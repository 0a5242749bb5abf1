"""The public surface changes only on purpose; every httpx failure has an ngsi class."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import httpx
import ngsi
import pytest
from ngsi import (
    ApiError,
    NgsiConnectError,
    NgsiError,
    NgsiTimeout,
    ResponseFormatError,
    TransportError,
)
from ngsi._errors import ngsi_class_for, translate_errors

EXPECTED = [
    "ApiError",
    "AsyncOrionClient",
    "AsyncQuantumLeapClient",
    "EntitySeries",
    "EntitySummary",
    "FiwareContext",
    "Health",
    "NgsiConnectError",
    "NgsiError",
    "NgsiTimeout",
    "OrionClient",
    "QuantumLeapClient",
    "ResponseFormatError",
    "TransportError",
]


def test_exported_members() -> None:
    assert ngsi.__all__ == EXPECTED
    public = {name for name in vars(ngsi) if not name.startswith("_")}
    assert public == set(EXPECTED)


def test_package_is_typed() -> None:
    assert (Path(ngsi.__file__).parent / "py.typed").is_file()


def test_exception_tree() -> None:
    assert issubclass(TransportError, NgsiError)
    assert issubclass(NgsiTimeout, TransportError)
    assert issubclass(NgsiConnectError, TransportError)
    assert issubclass(ApiError, NgsiError)
    assert issubclass(ResponseFormatError, NgsiError)


CLIENT_METHODS = {
    "QuantumLeapClient": [
        "attr_series",
        "entity_series",
        "health",
        "last_values",
        "list_entities",
        "notify",
        "type_attr_series",
        "type_series",
        "version",
    ],
    "OrionClient": [
        "create_subscription",
        "delete_subscription",
        "get_entity",
        "get_subscription",
        "list_entities",
        "list_subscriptions",
        "update",
        "update_subscription",
        "version",
    ],
}


def _public_methods(client: object) -> dict[str, Any]:
    return {name: getattr(client, name) for name in dir(client) if not name.startswith("_")}


@pytest.mark.parametrize("name", sorted(CLIENT_METHODS))
def test_sync_and_async_clients_have_the_same_methods(name: str) -> None:
    sync_cls = getattr(ngsi, name)
    async_cls = getattr(ngsi, f"Async{name}")
    with httpx.Client() as http:
        sync_methods = _public_methods(sync_cls(http))
    async_methods = _public_methods(async_cls(httpx.AsyncClient()))
    assert sorted(sync_methods) == sorted(async_methods) == CLIENT_METHODS[name]
    for method_name, method in sync_methods.items():
        twin = async_methods[method_name]
        assert not inspect.iscoroutinefunction(method)
        assert inspect.iscoroutinefunction(twin)
        assert method.__name__ == twin.__name__ == method_name
        assert method.__doc__
        assert method.__doc__ == twin.__doc__
        # The real arguments, not the (*args, **kwargs) the method is run through.
        parameters = list(inspect.signature(method).parameters)
        assert parameters[0] == "ctx"
        assert inspect.signature(method) == inspect.signature(twin)


def test_client_methods_show_their_arguments() -> None:
    with httpx.Client() as http:
        method = ngsi.QuantumLeapClient(http).entity_series
    parameters = inspect.signature(method).parameters
    assert list(parameters)[:3] == ["ctx", "entity_id", "type"]
    assert parameters["type"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["last_n"].default is None


def test_client_method_refuses_a_class_that_runs_no_plans() -> None:
    class NotAClient:
        version = ngsi.QuantumLeapClient.version

    with pytest.raises(TypeError, match="SyncRunner or an AsyncRunner"):
        NotAClient().version  # noqa: B018


HTTPX_EXCEPTIONS = sorted(
    (
        value
        for value in vars(httpx).values()
        if isinstance(value, type) and issubclass(value, Exception)
    ),
    key=lambda klass: klass.__name__,
)
SPECIFIC = {
    httpx.ConnectError: NgsiConnectError,
    httpx.ConnectTimeout: NgsiTimeout,
    httpx.ReadTimeout: NgsiTimeout,
    httpx.WriteTimeout: NgsiTimeout,
    httpx.PoolTimeout: NgsiTimeout,
    httpx.ReadError: TransportError,
    httpx.RemoteProtocolError: TransportError,
    httpx.DecodingError: ResponseFormatError,
    httpx.HTTPStatusError: ApiError,
}


def _instance(klass: type[Exception]) -> Exception:
    request = httpx.Request("GET", "http://backend.test/v2/entities")
    if issubclass(klass, httpx.HTTPStatusError):
        response = httpx.Response(503, json={"error": "Down", "description": "x"}, request=request)
        return klass("503", request=request, response=response)
    if issubclass(klass, httpx.RequestError):
        return klass("boom", request=request)
    try:
        return klass("boom")
    except TypeError:
        # StreamConsumed, ResponseNotRead and friends take no message.
        return klass()


@pytest.mark.parametrize("klass", HTTPX_EXCEPTIONS, ids=lambda k: k.__name__)
def test_every_httpx_exception_maps_to_an_ngsi_class(klass: type[Exception]) -> None:
    mapped = ngsi_class_for(klass)
    assert mapped is not None, f"httpx.{klass.__name__} has no ngsi class"
    assert klass not in SPECIFIC or mapped is SPECIFIC[klass]
    original = _instance(klass)
    with pytest.raises(NgsiError) as caught, translate_errors():
        raise original
    assert isinstance(caught.value, mapped)
    assert caught.value.__cause__ is original
