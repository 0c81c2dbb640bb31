"""Health (public) and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.auth import MetricsReader
from api.deps import Context
from api.errors import error_responses
from api.metrics import CONTENT_TYPE
from ledger.errors import LedgerError

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = Field(description="ok, or unavailable with the reason in `detail`")
    chain_reachable: bool
    chain_id: int | None
    block_number: int | None
    deployment_present: bool = Field(description="The sanzhi contracts are deployed on this chain")
    organisation: str | None = Field(description="The member this service acts for (None: public routes only)")
    detail: str | None = None


@router.get(
    "/health",
    responses={503: {"model": Health, "description": "The chain is unreachable or the contracts are missing"},
               **error_responses(429)},
    summary="Is the service able to answer? (public)",
)  # fmt: skip
def health(context: Context, response: Response) -> Health:
    """200 when the chain answers and the contracts are deployed on it; 503 otherwise."""
    report = Health(
        status="ok",
        chain_reachable=False,
        chain_id=None,
        block_number=None,
        deployment_present=False,
        organisation=context.organisation,
    )
    try:
        report.chain_id = context.client.chain_id
        report.block_number = context.client.block_number()
        report.chain_reachable = True
        context.client.address_of("CertificateRegistry")
        report.deployment_present = True
    except LedgerError as exc:
        report.status, report.detail = "unavailable", exc.message
        response.status_code = 503
    return report


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE: {"schema": {"type": "string"}}}, "description": "Prometheus text"},
               **error_responses(401, 403, 429)},
    summary="Prometheus metrics",
)  # fmt: skip
def metrics(key: MetricsReader, context: Context) -> Response:
    """Requests and latency by route, verify outcomes and the chain head, in Prometheus' text format."""
    body = context.metrics.exposition() if context.metrics else b""
    return Response(body, media_type=CONTENT_TYPE)
