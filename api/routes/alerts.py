"""Joint risk alerts: read by the member's staff keys (never traders, never anonymous: an alert
tells which operators and goods a partner looks at), published, extended and withdrawn by the
organisation's customs for its own alerts only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auth import Customs, Staff
from api.deps import Context
from api.errors import error_responses
from api.pagination import Page, Paging
from api.schemas.alerts import ExtendAlertRequest, PublishAlertRequest
from api.schemas.common import QueryFlag, QueryInteger, UtcTime
from api.strict_json import StrictJsonRoute
from ledger.alerts import Alert, AlertRegistryBinding
from ledger.consortium.names import Names
from ledger.store.cid import ContentId

router = APIRouter(tags=["alerts"], route_class=StrictJsonRoute)
WRITE_ERRORS = error_responses(401, 403, 404, 409, 413, 422, 429, 502, 503)
READ_ERRORS = error_responses(401, 403, 404, 422, 429, 503)

AlertId = Annotated[QueryInteger, Path(ge=1, le=2**63, description="The alert's id")]


def _named(alerts: list[Alert], context: Context) -> list[Alert]:
    names = Names.load(client=context.client)
    return [a.with_names(names) for a in alerts]


@router.get("/alerts", responses=READ_ERRORS, summary="Alerts in force (or all)")
def list_alerts(
    key: Staff,
    context: Context,
    paging: Paging,
    at: Annotated[UtcTime | None, Query(description="In force at this instant; default: the chain's time")] = None,
    every: Annotated[
        QueryFlag, Query(alias="all", description="Every alert: ended, withdrawn and not yet begun too (ignores `at`)")
    ] = False,
) -> Page[Alert]:
    """Every member's alerts in force at `at` as they stood then (a later extension or withdrawal
    does not change the answer for an earlier time), or every alert; by id."""
    binding = AlertRegistryBinding(context.client)
    page = paging.page(binding.alerts() if every else binding.in_force(at))
    return page.model_copy(update={"items": _named(binding.with_tx_hashes(page.items), context)})


@router.get("/alerts/{alert_id}", responses=READ_ERRORS, summary="One alert")
def get_alert(alert_id: AlertId, key: Staff, context: Context) -> Alert:
    return _named([AlertRegistryBinding(context.client).alert(alert_id)], context)[0]


@router.post("/alerts", status_code=201, responses=WRITE_ERRORS, summary="Publish an alert")
def publish(body: PublishAlertRequest, key: Customs, context: Context) -> Alert:
    """As the organisation's customs; the alert is the organisation's."""
    alert = AlertRegistryBinding(context.signer(key.role)).publish(
        severity=body.severity,
        scope=body.scope,
        since=body.since,
        until=body.until,
        reason_cid=ContentId.parse(body.reason_cid) if body.reason_cid else None,
    )
    return _named([alert], context)[0]


@router.post("/alerts/{alert_id}/extend", responses=WRITE_ERRORS, summary="Extend one of the organisation's alerts")
def extend(alert_id: AlertId, body: ExtendAlertRequest, key: Customs, context: Context) -> Alert:
    alert, _ = AlertRegistryBinding(context.signer(key.role)).extend(alert_id, body.until)
    return _named([alert], context)[0]


@router.post("/alerts/{alert_id}/withdraw", responses=WRITE_ERRORS, summary="Withdraw one of the organisation's alerts")
def withdraw(alert_id: AlertId, key: Customs, context: Context) -> Alert:
    alert, _ = AlertRegistryBinding(context.signer(key.role)).withdraw(alert_id)
    return _named([alert], context)[0]
