from __future__ import annotations

import pytest
from tenant_context import (
    CONTEXT_HEADER,
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


def _ctx(tenant: str = "acme") -> TenantContext:
    return TenantContext(
        tenant=tenant,
        display_name="ACME Milling",
        fiware_service=tenant,
        service_path="/plant1",
        timezone="Europe/Rome",
        theme="dark",
        board="roughnator",
        public_prefix=f"/dazzler/{tenant}/-/roughnator/",
        settings={"threshold": 2.0},
    )


def test_round_trip_keeps_every_field() -> None:
    headers = sign_context(_ctx(), SECRET, now=1000)
    assert verify_context(headers, SECRET, now=1010) == _ctx()


def test_lower_case_header_names_are_accepted() -> None:
    headers = {k.lower(): v for k, v in sign_context(_ctx(), SECRET, now=1000).items()}
    assert verify_context(headers, SECRET, now=1000).tenant == "acme"


def test_missing_headers_are_refused() -> None:
    with pytest.raises(MissingContext):
        verify_context({}, SECRET)
    headers = sign_context(_ctx(), SECRET)
    with pytest.raises(MissingContext):
        verify_context({CONTEXT_HEADER: headers[CONTEXT_HEADER]}, SECRET)


def test_wrong_secret_is_refused() -> None:
    headers = sign_context(_ctx(), "another secret", now=1000)
    with pytest.raises(BadSignature):
        verify_context(headers, SECRET, now=1000)


def test_swapping_the_context_for_another_tenant_is_refused() -> None:
    good = sign_context(_ctx("acme"), SECRET, now=1000)
    other = sign_context(_ctx("globex"), "attacker", now=1000)
    forged = {CONTEXT_HEADER: other[CONTEXT_HEADER], SIGNATURE_HEADER: good[SIGNATURE_HEADER]}
    with pytest.raises(BadSignature):
        verify_context(forged, SECRET, now=1000)


def test_changing_the_timestamp_is_refused() -> None:
    headers = sign_context(_ctx(), SECRET, now=1000)
    mac = headers[SIGNATURE_HEADER].split(":", 1)[1]
    headers[SIGNATURE_HEADER] = f"v1=5000:{mac}"
    with pytest.raises(BadSignature):
        verify_context(headers, SECRET, now=5000)


@pytest.mark.parametrize("age", [61, -61])
def test_stale_or_future_signatures_are_refused(age: int) -> None:
    headers = sign_context(_ctx(), SECRET, now=1000)
    with pytest.raises(StaleContext):
        verify_context(headers, SECRET, now=1000 + age, max_age=60)


@pytest.mark.parametrize("signature", ["", "v2=1:ab", "v1=abc:ff", "v1=1000", "garbage"])
def test_unreadable_signatures_are_refused(signature: str) -> None:
    headers = sign_context(_ctx(), SECRET, now=1000)
    headers[SIGNATURE_HEADER] = signature
    with pytest.raises((MalformedContext, MissingContext)):
        verify_context(headers, SECRET, now=1000)


def test_well_signed_garbage_is_malformed_not_a_crash() -> None:
    from tenant_context.signing import _mac

    encoded = "bm90IGpzb24"
    headers = {
        CONTEXT_HEADER: encoded,
        SIGNATURE_HEADER: f"v1=1000:{_mac(SECRET.encode(), 1000, encoded)}",
    }
    with pytest.raises(MalformedContext):
        verify_context(headers, SECRET, now=1000)
