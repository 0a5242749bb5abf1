from __future__ import annotations

import pytest
from tenant_context import (
    CONTEXT_HEADER,
    PREFIX_HEADER,
    SIGNATURE_HEADER,
    BadSignature,
    MalformedContext,
    MissingContext,
    StaleContext,
    TenantContext,
    sign_context,
    verify_context,
)

SECRET = "s3cret-for-tests"
SERVICE = "board-roughnator"


def _ctx(tenant: str = "acme", board: str = "roughnator") -> TenantContext:
    return TenantContext(
        tenant=tenant,
        display_name="ACME Milling",
        fiware_service=tenant,
        service_path="/plant1",
        timezone="Europe/Rome",
        theme="dark",
        board=board,
        public_prefix=f"/dazzler/{tenant}/-/{board}/",
        settings={"threshold": 2.0},
    )


def _sign(context: TenantContext | None = None, **kwargs: object) -> dict[str, str]:
    options: dict[str, object] = {"method": "GET", "now": 1000, **kwargs}
    return sign_context(context or _ctx(), SECRET, **options)  # type: ignore[arg-type]


def _verify(headers: dict[str, str], **kwargs: object) -> TenantContext:
    options: dict[str, object] = {"method": "GET", "service": SERVICE, "now": 1000, **kwargs}
    return verify_context(headers, SECRET, **options)  # type: ignore[arg-type]


def test_round_trip_keeps_every_field() -> None:
    assert _verify(_sign(), now=1010) == _ctx()


def test_the_catalogue_names_the_service_unless_given() -> None:
    assert _verify(_sign(service=SERVICE)) == _ctx()
    other = _ctx(board="made-up")
    assert _verify(_sign(other, service="board-x"), service="board-x") == other
    with pytest.raises(ValueError, match="made-up"):
        _sign(other)


def test_lower_case_header_names_are_accepted() -> None:
    headers = {k.lower(): v for k, v in _sign().items()}
    assert _verify(headers).tenant == "acme"


def test_missing_headers_are_refused() -> None:
    with pytest.raises(MissingContext):
        _verify({})
    headers = _sign()
    with pytest.raises(MissingContext):
        _verify({CONTEXT_HEADER: headers[CONTEXT_HEADER]})


def test_wrong_secret_is_refused() -> None:
    headers = sign_context(_ctx(), "another secret", method="GET", now=1000)
    with pytest.raises(BadSignature):
        _verify(headers)


def test_swapping_the_context_for_another_tenant_is_refused() -> None:
    good = _sign(_ctx("acme"))
    other = sign_context(_ctx("globex"), "attacker", method="GET", now=1000)
    forged = {CONTEXT_HEADER: other[CONTEXT_HEADER], SIGNATURE_HEADER: good[SIGNATURE_HEADER]}
    with pytest.raises(BadSignature):
        _verify(forged)


def test_changing_the_timestamp_is_refused() -> None:
    headers = _sign()
    mac = headers[SIGNATURE_HEADER].split(":", 1)[1]
    headers[SIGNATURE_HEADER] = f"v2=5000:{mac}"
    with pytest.raises(BadSignature):
        _verify(headers, now=5000)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "HEAD"])
def test_replay_with_another_method_is_refused(method: str) -> None:
    with pytest.raises(BadSignature):
        _verify(_sign(method="GET"), method=method)
    # The method's case does not matter; the method does.
    assert _verify(_sign(method=method.lower()), method=method) == _ctx()


@pytest.mark.parametrize("service", ["board-demo", "board-sleuth", "board-roughnator2", ""])
def test_replay_against_another_board_service_is_refused(service: str) -> None:
    with pytest.raises(BadSignature):
        _verify(_sign(), service=service)


@pytest.mark.parametrize(
    "prefix",
    ["/dazzler/acme/-/sleuth", "/dazzler/globex/-/roughnator", "/dazzler/acme/-", "/"],
)
def test_replay_under_another_path_prefix_is_refused(prefix: str) -> None:
    headers = {**_sign(), PREFIX_HEADER: prefix}
    with pytest.raises(BadSignature, match="prefix"):
        _verify(headers)


def test_the_prefix_it_was_signed_for_is_accepted_with_or_without_slash() -> None:
    for prefix in ("/dazzler/acme/-/roughnator", "/dazzler/acme/-/roughnator/"):
        assert _verify({**_sign(), PREFIX_HEADER: prefix}) == _ctx()


@pytest.mark.parametrize("age", [61, -61])
def test_expired_or_future_signatures_are_refused(age: int) -> None:
    with pytest.raises(StaleContext):
        _verify(_sign(), now=1000 + age, max_age=60)


@pytest.mark.parametrize("signature", ["", "v1=1000:ab", "v2=abc:ff", "v2=1000", "garbage"])
def test_unreadable_signatures_and_the_old_version_are_refused(signature: str) -> None:
    headers = _sign()
    headers[SIGNATURE_HEADER] = signature
    with pytest.raises((MalformedContext, MissingContext)):
        _verify(headers)


def test_well_signed_garbage_is_malformed_not_a_crash() -> None:
    from tenant_context.signing import _mac

    encoded = "bm90IGpzb24"
    mac = _mac(SECRET.encode(), 1000, "GET", SERVICE, encoded)
    headers = {CONTEXT_HEADER: encoded, SIGNATURE_HEADER: f"v2=1000:{mac}"}
    with pytest.raises(MalformedContext):
        _verify(headers)
