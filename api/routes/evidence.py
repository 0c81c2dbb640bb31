"""Evidence chains of consignments: open a consignment and manage its parties (the organisation's
traders and customs), void it (customs), append trade events (traders and customs), submit
customs decisions (the organisation's oracle), and read its standing, timeline and proof bundle
(any key). The member acted for is always the service's organisation; a trader key acts for its
one party account, and only when the service's trader signer is that account."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.exceptions import HTTPException

from api.auth import Caller, Customs, Oracle, TradeSide
from api.deps import Context, ServiceContext
from api.errors import NotFound, PermissionDenied, error_responses
from api.keystore import ApiKey, ApiRole
from api.schemas.evidence import (
    EPCIS_DECISIONS_BODY,
    EPCIS_EVENTS_BODY,
    Change,
    ConsignmentView,
    OpenRequest,
    PartyRequest,
    PartyShown,
    Standing,
    Timeline,
    TimelineEntry,
    VoidRequest,
)
from api.strict_json import StrictJsonRequest, StrictJsonRoute, is_json, strict_json
from ledger.chain.client import LedgerClient
from ledger.consortium.names import Names
from ledger.errors import KeyUnavailable
from ledger.evidence import EpcisEvent, canonical_ucr, consignment_id, parse_epcis
from ledger.evidence.bundle import EvidenceBundle, make_bundle
from ledger.evidence.consignment import ucr_pattern
from ledger.evidence.parties import was_party
from ledger.evidence.registry import (
    ConsignmentChange,
    ConsignmentRecord,
    EvidenceRegistryBinding,
    RecordedEntry,
    current_parties,
)
from ledger.evidence.service import (
    AppendResult,
    append_events,
    audit_consignment,
    change_party,
    consignment_view,
    open_consignment,
    submit_decisions,
    void_consignment,
)
from ledger.evidence.vocabulary import step_name
from ledger.labels import Lang, Vocabulary, label
from ledger.store.cid import shown_cid

router = APIRouter(prefix="/consignments", tags=["evidence"], route_class=StrictJsonRoute)
WRITE_ERRORS = error_responses(401, 403, 409, 413, 422, 429, 502, 503)
EVENT_ERRORS = error_responses(401, 403, 409, 413, 415, 422, 429, 502, 503)
READ_ERRORS = error_responses(401, 403, 404, 422, 429, 503)

UcrPath = Annotated[
    str,
    Path(
        pattern=ucr_pattern(slash=False, spaces=False),
        description="The consignment's UCR (one with a `/` cannot be named in a path)",
        examples=["6CN9144010012345678-SG-000777"],
    ),
]
AccountPath = Annotated[
    str, Path(pattern=r"^0x[0-9a-fA-F]{40}$", examples=["0x2546BcD3c84621e976D8185a91A922aE77ECEc30"])
]


def _time(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def acting_client(key: ApiKey, context: ServiceContext) -> LedgerClient:
    """The organisation's signer for the key's role; a trader key's only when that signer is the
    key's own party account."""
    if key.role is ApiRole.TRADER and key.account is None:
        raise PermissionDenied(f"trader key {key.key_id} acts for no party account; create one with --account")
    client = context.signer(key.role)
    if key.role is ApiRole.TRADER and client.address.lower() != str(key.account).lower():
        raise PermissionDenied(
            f"this trader key acts for {key.account}, but the service signs for its traders as {client.address}: "
            f"it cannot sign for {key.account}"
        )
    return client


def _standing(context: ServiceContext, ucr: str, record: ConsignmentRecord, tx_hash: str | None = None) -> Standing:
    """The standing after a change, with its transaction."""
    changes = EvidenceRegistryBinding.holding(context.client, consignment_id(ucr)).changes(consignment_id(ucr))
    names = Names.load(client=context.client)
    return Standing(**_fields(ucr, record, current_parties(changes), names), tx_hash=tx_hash)


def _fields(ucr: str, record: ConsignmentRecord, current: dict[str, str], names: Names) -> dict[str, Any]:
    names.accounts([*current, *([record.opener] if record.opener else [])])  # one batch
    parties = [PartyShown(account=a, role=r, account_name=names.label(a)) for a, r in current.items()]
    return {
        "ucr": canonical_ucr(ucr),
        "consignment": record.consignment,
        "origin": record.origin,
        "destination": record.destination,
        "opener": record.opener,
        "opener_name": names.label(record.opener),
        "opened_at": _time(record.opened_at),
        "opening": record.opening,
        "open": record.open,
        "parties": parties if record.open else [],
    }


def _change(change: ConsignmentChange, names: Names) -> Change:
    fields = change.model_dump(exclude={"timestamp", "log_index"})
    return Change(
        at=_time(change.timestamp), by_name=names.label(change.by), account_name=names.label(change.account), **fields
    )


async def epcis_events(request: Request) -> list[EpcisEvent]:
    """The EPCIS document or event in the JSON body, read strictly and checked."""
    if not is_json(request):
        raise HTTPException(415, "send the EPCIS document or event as application/json")
    strict = request if isinstance(request, StrictJsonRequest) else None
    data = await strict.json() if strict else strict_json(await request.body())
    return parse_epcis(data, source="request body")


# a route names its key before its events: the caller is authenticated before the body is read
Events = Annotated[list[EpcisEvent], Depends(epcis_events)]


@router.post("", status_code=201, responses=WRITE_ERRORS, summary="Open a consignment")
def open_(body: OpenRequest, key: TradeSide, context: Context) -> Standing:
    """Once per UCR: from its country (the origin, which must be the organisation; or the
    destination when the origin is not a member) to `destination`, with the parties allowed to
    record besides the opener."""
    client = acting_client(key, context)
    parties = [(p.account, p.role) for p in body.parties]
    result = open_consignment(client=client, ucr=body.ucr, destination=body.destination, parties=parties)
    return _standing(context, result.ucr, result.record, result.tx_hash)


@router.get("/{ucr}", responses=READ_ERRORS, summary="A consignment's standing, parties and changes")
def consignment(ucr: UcrPath, key: Caller, context: Context) -> ConsignmentView:
    """The current (or last) opening, its parties, and every change with who made it and when
    (a trader key: only of a consignment its account is or was a party of)."""
    _visible(key, context, ucr)
    view = consignment_view(client=context.client, ucr=ucr)
    if view.record.opener is None:
        raise NotFound(f"consignment {view.ucr}")
    names = Names.load(client=context.client)
    names.accounts([a for c in view.changes for a in (c.by, c.account) if a])  # one batch
    changes = [_change(c, names) for c in view.changes]
    return ConsignmentView(**_fields(ucr, view.record, view.parties, names), changes=changes, legacy=view.legacy)


@router.post("/{ucr}/parties", responses=WRITE_ERRORS, summary="Add a party")
def add_party(ucr: UcrPath, body: PartyRequest, key: TradeSide, context: Context) -> Standing:
    """The opener, or either side's customs, allows an accredited account to record."""
    result = change_party(client=acting_client(key, context), ucr=ucr, account=body.account, role=body.role)
    return _standing(context, ucr, result.record, result.tx_hash)


@router.delete("/{ucr}/parties/{account}", responses=WRITE_ERRORS, summary="Remove a party")
def remove_party(ucr: UcrPath, account: AccountPath, key: TradeSide, context: Context) -> Standing:
    result = change_party(client=acting_client(key, context), ucr=ucr, account=account, role=None)
    return _standing(context, ucr, result.record, result.tx_hash)


@router.post("/{ucr}/void", responses=WRITE_ERRORS, summary="Void a consignment opened wrongly")
def void(ucr: UcrPath, body: VoidRequest, key: Customs, context: Context) -> Standing:
    """The origin member's customs (the destination's when the origin is not a member) end the
    opening; its entries stay, and the UCR can be opened again."""
    result = void_consignment(client=acting_client(key, context), ucr=ucr, reason=body.reason)
    return _standing(context, ucr, result.record, result.tx_hash)


@router.post(
    "/{ucr}/events",
    responses=EVENT_ERRORS,
    openapi_extra={"requestBody": EPCIS_EVENTS_BODY},
    summary="Append trade events (EPCIS 2.0)",
)
def append(ucr: UcrPath, key: TradeSide, events: Events, context: Context) -> AppendResult:
    """As a party of the consignment (a trader key's account) or either side's customs."""
    return append_events(client=acting_client(key, context), ucr=ucr, events=events)


@router.post(
    "/{ucr}/decisions",
    responses=EVENT_ERRORS,
    openapi_extra={"requestBody": EPCIS_DECISIONS_BODY},
    summary="Record customs decisions (EPCIS 2.0)",
)
def decide(ucr: UcrPath, key: Oracle, events: Events, context: Context) -> AppendResult:
    """The organisation's decisions on its own declarations (pre-review, risk lane, inspection,
    release ...), signed by the service's oracle; once per declaration and step unless a
    correction retracts the decision in force."""
    client = context.signer(ApiRole.ORACLE)
    if client.account is None:  # pragma: no cover - a signer profile always has its key
        raise KeyUnavailable("the service's oracle signer has no key")
    return submit_decisions(client=client, member=context.member(), ucr=ucr, events=events, signers=[client.account])


def timeline_entry(r: RecordedEntry, names: Names | None = None, lang: Lang | None = None) -> TimelineEntry:
    """One recorded entry as the timeline shows it (with `names`: the submitter's name; with
    `lang`: the step's label)."""
    e = r.entry
    return TimelineEntry(
        seq=r.seq,
        recorded_at=_time(r.timestamp),
        member=r.member_id,
        side=r.side_label,
        submitter=r.submitter,
        submitter_name=names.account(r.submitter) if names is not None else None,
        step=step_name(e.step),
        step_label=label(Vocabulary.STEP, step_name(e.step), lang) if lang is not None else None,
        correction=e.correction,
        event_hash="ni:///sha-256;" + e.event_hash.hex() + "?ver=CBV2.0",
        declaration="0x" + e.declaration.hex() if any(e.declaration) else None,
        document_hash="0x" + e.document_hash.hex() if any(e.document_hash) else None,
        cid=shown_cid(e.cid),
        parents=["0x" + p.hex() for p in e.parents],
        link="0x" + r.link.hex(),
        tx_hash=r.tx_hash,
    )


def _visible(key: ApiKey, context: ServiceContext, ucr: str) -> None:
    """A trader key reads only consignments its account is or was a party of; any other is
    answered like one never opened, so the answer tells nothing of its existence."""
    if key.role is not ApiRole.TRADER:
        return
    wanted, account = consignment_id(ucr), (key.account or "").lower()
    if account and was_party(client=context.client, account=account, consignment=wanted) is not None:
        return
    if account:  # entries recorded before consignments were opened: their first submitter is the opener
        view = consignment_view(client=context.client, ucr=ucr)
        if view.legacy and account in (a.lower() for a in view.parties):
            return
    raise NotFound(f"consignment {canonical_ucr(ucr)}")


def _known(context: ServiceContext, ucr: str) -> None:
    if (
        not EvidenceRegistryBinding.holding(context.client, consignment_id(ucr))
        .consignment(consignment_id(ucr))
        .opening
    ):
        raise NotFound(f"consignment {canonical_ucr(ucr)}")


@router.get("/{ucr}/timeline", responses=READ_ERRORS, summary="What happened to a consignment, in order")
def timeline(
    ucr: UcrPath,
    key: Caller,
    context: Context,
    lang: Annotated[Lang | None, Query(description="Add `step_label` in this language (the codes stay)")] = None,
) -> Timeline:
    """Every entry (step, member, side, submitter and its name, time, hashes, document CID), and
    the check of the chain: every link recomputed and the registry's head committing to them (a
    trader key: only of a consignment its account is or was a party of)."""
    _visible(key, context, ucr)
    _known(context, ucr)
    recorded, report = audit_consignment(client=context.client, ucr=ucr)
    names = Names.load(client=context.client)
    names.accounts(r.submitter for r in recorded)  # one batch for the whole timeline
    return Timeline(
        ucr=canonical_ucr(ucr),
        consignment=report.consignment,
        entries=[timeline_entry(r, names, lang) for r in recorded],
        head_seq=report.head_seq,
        intact=report.intact,
        problems=report.problems,
    )


@router.get("/{ucr}/bundle", response_model=EvidenceBundle, responses=READ_ERRORS, summary="A proof bundle (download)")
def bundle(ucr: UcrPath, key: Caller, context: Context) -> Response:
    """Entries and a state proof of the consignment's head at the latest block
    (sanzhi-evidence-bundle/3), for `sanzhi evidence verify-bundle` with no network (a trader
    key: only of a consignment its account is or was a party of)."""
    _visible(key, context, ucr)
    _known(context, ucr)
    name = canonical_ucr(ucr)
    made = make_bundle(client=context.client, ucr=name, consignment=consignment_id(name))
    return Response(
        made.model_dump_json(),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}.bundle.json"'},
    )
