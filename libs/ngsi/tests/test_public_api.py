"""The public surface changes only on purpose; every httpx failure has an ngsi class."""

from __future__ import annotations

import inspect
from pathlib import Path

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


def test_sync_and_async_clients_have_the_same_methods() -> None:
    for sync_cls, async_cls in (
        (ngsi.QuantumLeapClient, ngsi.AsyncQuantumLeapClient),
        (ngsi.OrionClient, ngsi.AsyncOrionClient),
    ):
        sync_methods = {n: f for n, f in vars(sync_cls).items() if not n.startswith("_")}
        async_methods = {n: f for n, f in vars(async_cls).items() if not n.startswith("_")}
        assert sync_methods.keys() == async_methods.keys()
        for name, function in sync_methods.items():
            assert inspect.iscoroutinefunction(async_methods[name])
            assert inspect.signature(function) == inspect.signature(async_methods[name])
            assert function.__doc__


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
