"""Health (public) and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from api.auth import MetricsReader
from api.deps import Context, ServiceContext
from api.errors import error_responses
from api.metrics import CONTENT_TYPE
from ledger.errors import LedgerError
from ledger.index.chain_match import IndexChain, index_chain

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = Field(
        description="ok; degraded when the audit index no longer matches the chain (`index.mismatch`: the "
        "audit routes answer 503 until it is rebuilt); or unavailable with the reason in `detail`"
    )
    chain_reachable: bool
    chain_id: int | None
    block_number: int | None
    deployment_present: bool = Field(description="The sanzhi contracts are deployed on this chain")
    organisation: str | None = Field(description="The member this service acts for (None: public routes only)")
    detail: str | None = None
    index: IndexChain | None = Field(
        default=None,
        description="The chain the audit index describes, its lag behind the node and any mismatch with the "
        "node's chain, as the index's follower last saw it (None: this service has no index)",
    )


@router.get(
    "/health",
    responses={503: {"model": Health, "description": "The chain is unreachable or the contracts are missing"},
               **error_responses(429)},
    summary="Is the service able to answer? (public)",
)  # fmt: skip
def health(context: Context, response: Response) -> Health:
    """200 when the chain answers and the contracts are deployed on it (degraded: the audit index
    describes another chain); 503 otherwise."""
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
    report.index = _index_chain(context, report.block_number)
    if report.status == "ok" and report.index is not None and report.index.mismatch:
        report.status = "degraded"
    return report


def _index_chain(context: ServiceContext, node_head: int | None) -> IndexChain | None:
    """What the index's state row says (no index, or its database down: None)."""
    try:
        with context.index_engine().connect() as connection:
            return index_chain(connection, node_head=node_head)
    except (LedgerError, SQLAlchemyError):
        return None


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
