"""Orion's ``/v2/subscriptions`` CRUD."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from sim.orion.errors import bad_request, not_found
from sim.orion.requests import json_body, options_of, page_of, store_of
from sim.orion.scope import subscription_path as path_of
from sim.orion.scope import tenant_of
from sim.orion.store import Subscription
from sim.ql.timeformat import format_index

router = APIRouter()

_EDITABLE = ("description", "subject", "notification", "expires", "status", "throttling")


def _iso(moment: datetime) -> str:
    return format_index(moment).replace("+00:00", "Z")


def _validate(document: Mapping[str, Any], *, partial: bool) -> None:
    unknown = set(document) - set(_EDITABLE)
    if unknown:
        raise bad_request(f"unrecognized field in subscription: /{sorted(unknown)[0]}/")
    if "subject" in document or not partial:
        subject = document.get("subject")
        entities = subject.get("entities") if isinstance(subject, Mapping) else None
        if not isinstance(entities, list) or not entities:
            raise bad_request("subject entities is missing or empty")
        for selector in entities:
            if not isinstance(selector, Mapping) or not (
                "id" in selector or "idPattern" in selector
            ):
                raise bad_request("subject entities item needs id or idPattern")
    if "notification" in document or not partial:
        notification = document.get("notification")
        if not isinstance(notification, Mapping):
            raise bad_request("notification is missing")
        target = notification.get("http") or notification.get("httpCustom")
        if not isinstance(target, Mapping) or not isinstance(target.get("url"), str):
            raise bad_request("notification http url is missing")


def _render(sub: Subscription) -> dict[str, Any]:
    doc = sub.document
    notification = dict(doc.get("notification", {}))
    notification.setdefault("attrs", [])
    notification.setdefault("attrsFormat", "normalized")
    notification["onlyChangedAttrs"] = bool(notification.get("onlyChangedAttrs", False))
    if sub.times_sent:
        notification["timesSent"] = sub.times_sent
    if sub.fails_counter:
        notification["failsCounter"] = sub.fails_counter
    stamps = {
        "lastNotification": sub.last_notification,
        "lastSuccess": sub.last_success,
        "lastFailure": sub.last_failure,
    }
    notification.update({k: _iso(v) for k, v in stamps.items() if v is not None})
    if sub.last_failure_reason:
        notification["lastFailureReason"] = sub.last_failure_reason
    if sub.last_success_code is not None:
        notification["lastSuccessCode"] = sub.last_success_code
    body: dict[str, Any] = {"id": sub.id}
    if "description" in doc:
        body["description"] = doc["description"]
    body["subject"] = doc.get("subject", {})
    body["notification"] = notification
    for key in ("expires", "throttling"):
        if key in doc:
            body[key] = doc[key]
    body["status"] = doc.get("status", "active")
    return body


def _find(request: Request, subscription_id: str) -> Subscription:
    subs = store_of(request).tenant(tenant_of(request)).subscriptions
    if subscription_id not in subs:
        raise not_found("The requested subscription has not been found. Check id")
    return subs[subscription_id]


@router.post("/v2/subscriptions")
async def create_subscription(request: Request) -> Response:
    tenant = tenant_of(request)
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request("subscription must be a JSON object")
    _validate(body, partial=False)
    sub_id = secrets.token_hex(12)
    store_of(request).tenant(tenant).subscriptions[sub_id] = Subscription(
        id=sub_id, tenant=tenant, service_path=path_of(request), document=dict(body)
    )
    return Response(
        status_code=status.HTTP_201_CREATED, headers={"Location": f"/v2/subscriptions/{sub_id}"}
    )


@router.get("/v2/subscriptions")
async def list_subscriptions(request: Request) -> JSONResponse:
    tenant = tenant_of(request)
    page = page_of(request)
    subs = list(store_of(request).tenant(tenant).subscriptions.values())
    if request.headers.get("fiware-servicepath"):
        wanted = path_of(request)
        subs = [s for s in subs if s.service_path == wanted]
    body = [_render(s) for s in subs[page.offset : page.offset + page.limit]]
    count = {"Fiware-Total-Count": str(len(subs))} if "count" in options_of(request) else {}
    return JSONResponse(body, headers=count)


@router.get("/v2/subscriptions/{subscription_id}")
async def get_subscription(request: Request, subscription_id: str) -> dict[str, Any]:
    return _render(_find(request, subscription_id))


@router.patch("/v2/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def update_subscription(request: Request, subscription_id: str) -> None:
    sub = _find(request, subscription_id)
    patch = await json_body(request)
    if not isinstance(patch, dict):
        raise bad_request("subscription patch must be a JSON object")
    _validate(patch, partial=True)
    sub.document.update(patch)
    if patch.get("status") == "active":
        sub.fails_counter = 0


@router.delete("/v2/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_subscription(request: Request, subscription_id: str) -> None:
    sub = _find(request, subscription_id)
    del store_of(request).tenant(sub.tenant).subscriptions[sub.id]
