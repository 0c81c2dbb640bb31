"""Verify wrapped certificates: fragments, each VALID / INVALID / ERROR / SKIPPED with a reason.

Only the file and a node are needed. All chain reads for a set of certificates go through the
registry's batched view (`certificateStates`), one eth_call per 256 certificates, all in one
JSON-RPC batch. Integrity checks of large sets run on every core (ledger.parallel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ledger.certificates.document_view import DocumentView, document_view
from ledger.certificates.findings import Finding, FindingCode, english, finding
from ledger.certificates.quantities import UnitQuantity, format_quantity
from ledger.certificates.status import CertificateStatus
from ledger.certificates.trust import (
    TrustAnchor,
    batch_refusal,
    decode_listing,
    listing_call,
    registry_refusal,
    resolve_anchor,
)
from ledger.certificates.wrapped import IntegrityResult, WrappedCertificate, check_integrity, from_hex
from ledger.chain.client import LedgerClient
from ledger.chain.codec import FunctionCodec
from ledger.chain.reads import view_request, view_result
from ledger.documents import document_model
from ledger.documents.common import field_at
from ledger.errors import LedgerError
from ledger.ids import member_id_text
from ledger.parallel import fork_map
from ledger.reasons import reason_name

QUERY_CHUNK = 256  # certificates per certificateStates call (the registry's MAX_QUERIES)
CALLS_PER_REQUEST = 8  # eth_calls per JSON-RPC batch: ~2,000 certificates, well under nodes' body limits


class FragmentStatus(StrEnum):
    VALID = "VALID"
    INVALID = "INVALID"
    ERROR = "ERROR"
    SKIPPED = "SKIPPED"


class FragmentName(StrEnum):
    INTEGRITY = "INTEGRITY"
    ISSUANCE = "ISSUANCE"
    ISSUER = "ISSUER"
    EXPIRY = "EXPIRY"
    UTILIZATION = "UTILIZATION"


class Fragment(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: FragmentName
    status: FragmentStatus
    reason: str = Field(description="Why, in English: the findings' texts")
    findings: list[Finding] = Field(description="Why, as codes with their values (what translations use)")

    @classmethod
    def of(cls, name: FragmentName, status: FragmentStatus, *findings: Finding) -> Fragment:
        return _fragment_of(name, status, findings)


@lru_cache(maxsize=4096)
def _fragment_of(name: FragmentName, status: FragmentStatus, findings: tuple[Finding, ...]) -> Fragment:
    """One shared (frozen) Fragment per name, status and findings: certificates of one issuance
    repeat most fragments. Built without validation, typed by construction."""
    return Fragment.model_construct(name=name, status=status, reason=english(findings), findings=list(findings))


class Verification(BaseModel):
    """The outcome for one certificate: valid only when every fragment is VALID."""

    valid: bool
    decided: bool
    type: str
    certificate_number: str | None
    root: str
    leaf: str
    hidden_fields: list[str] = Field(
        default_factory=list, description="Fields the holder hid (their hashes still count), as the file names them"
    )
    trust_anchor: str | None = Field(default=None, description="What the verdict is anchored to")
    quantity: UnitQuantity | None = Field(
        default=None, description="Quantity the certificate was issued for (None: single-use)"
    )
    remaining: UnitQuantity | None = Field(
        default=None, description="Quantity left to draw on its number (None: unknown or single-use)"
    )
    destination: str | None = Field(
        default=None,
        description="The member whose customs the chain records the certificate's batch as destined to, e.g. SG "
        "(None: not read, or a batch issued before destinations were recorded)",
    )
    destined_outside: bool = Field(
        default=False,
        description="The batch went to a country outside the consortium: no member records its utilization",
    )
    fragments: list[Fragment]
    document: DocumentView | None = Field(
        default=None,
        description='What the certificate says, each field the holder hid in place as {"hidden": true} '
        "(None: its data is not a document of its type)",
    )


States = dict[int, dict[str, Any] | str]


def verify_certificates(
    *,
    client: LedgerClient,
    certificates: Sequence[WrappedCertificate],
    anchor: TrustAnchor | None,
    today: dt.date | None = None,
    workers: int | None = None,
) -> list[Verification]:
    """Verify each certificate against the chain `client` reaches, trusting `anchor` only.

    Without an anchor ISSUER is ERROR and no certificate is valid; a proof naming a registry
    the anchor does not vouch for is INVALID (anyone can deploy a look-alike registry).
    `workers`: processes for the integrity checks of a large set (default: one per core; a
    multi-threaded server passes 1, as forking beside other threads is unsafe).

    The three steps are also separate (`check_integrity_of`, `read_states`, `assemble`), for a
    caller that reads the chain its own way (the service sends concurrent requests' reads together).
    """
    integrity = check_integrity_of(certificates, workers=workers)
    return assemble(
        certificates, integrity, read_states(client, to_read(certificates, integrity), anchor), anchor, today
    )


def check_integrity_of(
    certificates: Sequence[WrappedCertificate], *, workers: int | None = None
) -> list[IntegrityResult]:
    """The integrity of each certificate (large sets on every core, see `verify_certificates`)."""
    return fork_map(check_integrity, certificates, workers=workers)


def to_read(
    certificates: Sequence[WrappedCertificate], integrity: Sequence[IntegrityResult]
) -> list[WrappedCertificate]:
    """The certificates whose chain state is needed: those whose integrity holds, in order."""
    return [c for c, result in zip(certificates, integrity, strict=True) if result.valid]


def assemble(
    certificates: Sequence[WrappedCertificate],
    integrity: Sequence[IntegrityResult],
    read: States,
    anchor: TrustAnchor | None,
    today: dt.date | None = None,
) -> list[Verification]:
    """The verifications, from the integrity of each certificate and `read`: the chain states of
    `to_read(certificates, integrity)` by their position in that list."""
    today = today or dt.datetime.now(dt.UTC).date()
    states: States = {}
    readable = [i for i, result in enumerate(integrity) if result.valid]
    for position, state in read.items():
        states[readable[position]] = state
    results = []
    for i, certificate in enumerate(certificates):
        fragments = [_fragment(FragmentName.INTEGRITY, integrity[i].valid, integrity[i].finding)]
        if not integrity[i].valid:
            skipped = finding(FindingCode.SKIPPED_INTEGRITY_FAILED)
            fragments += [_skipped(name, skipped) for name in list(FragmentName)[1:]]
        else:
            fragments += _chain_fragments(certificate, states[i], anchor, today)
        number = certificate.data.get("certificate_number")
        chain_state = states.get(i)
        issued_for, unit = certificate.proof.quantity, certificate.unit
        remaining = (
            UnitQuantity.of(max(issued_for - int(chain_state["utilized"]), 0), unit)
            if isinstance(chain_state, dict) and "utilized" in chain_state and issued_for
            else None
        )
        results.append(
            Verification.model_construct(  # typed by construction, as Fragment.of
                valid=all(f.status is FragmentStatus.VALID for f in fragments),
                decided=all(f.status is not FragmentStatus.ERROR for f in fragments),
                type=certificate.type,
                certificate_number=number if isinstance(number, str) else None,
                root=certificate.proof.root,
                leaf="0x" + certificate.leaf.hex(),
                hidden_fields=list(certificate.hidden),
                trust_anchor=anchor.describe() if anchor else None,
                quantity=UnitQuantity.of(issued_for, unit) if issued_for else None,
                remaining=remaining,
                destination=chain_state.get("destination") if isinstance(chain_state, dict) else None,
                destined_outside=bool(chain_state.get("outside")) if isinstance(chain_state, dict) else False,
                fragments=fragments,
                document=document_view(certificate.type, certificate.data),
            )
        )
    return results


def verify_trusting(
    *, client: LedgerClient, certificates: Sequence[WrappedCertificate], trust: str | None
) -> list[Verification]:
    """Verify as `sanzhi cert verify` does: trusting `trust` (a Consortium or CertificateRegistry
    address), else the consortium of the client's deployment record, else nothing."""
    anchor = resolve_anchor(client, trust)
    return verify_certificates(client=client, certificates=certificates, anchor=anchor)


def read_states(client: LedgerClient, certificates: Sequence[WrappedCertificate], anchor: TrustAnchor | None) -> States:
    """Chain state per certificate index (with `untrusted`: the finding why its registry, or its
    batch, is not trusted; or None), or the reason it could not be read.

    Per registry: the trusted consortium's listing of it and every `certificateStates` call
    (256 certificates each), in JSON-RPC batches of CALLS_PER_REQUEST calls; a small set takes
    one HTTP round trip. A registry the consortium does not list is not asked anything.
    """
    found: States = {}
    groups: dict[tuple[int, str], list[int]] = {}
    for i, c in enumerate(certificates):
        groups.setdefault((c.proof.chain_id, c.proof.registry.lower()), []).append(i)
    states = client.artifacts.codec("CertificateRegistry").function("certificateStates")
    destination_of = client.artifacts.codec("CertificateRegistry").function("batchDestination")
    outside_of = client.artifacts.codec("CertificateRegistry").function("destinedOutside")
    for (chain_id, registry), indexes in groups.items():
        try:
            node_chain = client.chain_id
            if node_chain != chain_id:
                raise LedgerError(f"certificate is anchored on chain {chain_id}, the node is on chain {node_chain}")
            chunks = [indexes[start : start + QUERY_CHUNK] for start in range(0, len(indexes), QUERY_CHUNK)]
            key = (anchor.consortium.lower(), registry) if anchor else None
            cached = client.listings.get(key) if key else None
            calls: list[tuple[str, list[Any]]] = (
                [listing_call(client, anchor.consortium, registry)] if anchor and cached is None else []
            )
            for part in chunks:
                refs = [
                    (
                        from_hex(certificates[i].proof.root),
                        from_hex(certificates[i].proof.cert_type),
                        certificates[i].leaf,
                        from_hex(certificates[i].proof.number_hash),
                    )
                    for i in part
                ]
                calls.append(view_request(registry, states.call_data(refs)))
            batches = list(dict.fromkeys((c.proof.root, c.proof.cert_type) for c in (certificates[i] for i in indexes)))
            calls += [
                view_request(registry, destination_of.call_data(from_hex(root), from_hex(cert_type)))
                for root, cert_type in batches
            ]
            calls += [
                view_request(registry, outside_of.call_data(from_hex(root), from_hex(cert_type)))
                for root, cert_type in batches
            ]
            replies = [
                reply
                for start in range(0, len(calls), CALLS_PER_REQUEST)
                for reply in client.raw_batch(calls[start : start + CALLS_PER_REQUEST])
            ]
            listing = cached or (decode_listing(client, registry, replies.pop(0)) if anchor else None)
            destinations = _destinations(client, destination_of, batches, replies[len(chunks) : -len(batches)])
            outside = _outside(client, outside_of, batches, replies[-len(batches) :])
            refused = registry_refusal(anchor, listing) if anchor and listing else None
            if key and listing and not refused:
                # A listed registry's kind never changes, its closed intervals never change, and it
                # anchors nothing outside its intervals (it refuses new batches unless active): a
                # listing read once answers for every batch, past and future, of that registry.
                client.listings[key] = listing
            if refused:
                for i in indexes:
                    found[i] = {"untrusted": refused}
                continue
            for part, reply in zip(chunks, replies[: len(chunks)], strict=True):
                data = view_result(client, reply, f"the certificate states of registry {registry}")
                for i, view in zip(part, states.decode(data), strict=True):
                    state = _view_dict(view)
                    untrusted = (
                        batch_refusal(anchor, listing, state["issued_at"])
                        if anchor and listing and state["issued"]
                        else None
                    )
                    batch = (certificates[i].proof.root, certificates[i].proof.cert_type)
                    found[i] = {
                        **state,
                        "untrusted": untrusted,
                        "destination": destinations.get(batch),
                        "outside": batch in outside,
                    }
        except LedgerError as exc:
            for i in indexes:
                found[i] = exc.message
    return found


def _destinations(
    client: LedgerClient,
    destination_of: FunctionCodec,
    batches: Sequence[tuple[str, str]],
    replies: Sequence[dict[str, Any]],
) -> dict[tuple[str, str], str]:
    """The destination each batch records, from the replies to its `batchDestination` calls; a
    version from before destinations has no such view (its reply is a revert): left out."""
    found = {}
    for batch, reply in zip(batches, replies, strict=True):
        try:
            member = member_id_text(destination_of.decode(view_result(client, reply, "a batch's destination")))
        except LedgerError:
            continue
        if member:
            found[batch] = member
    return found


def _outside(
    client: LedgerClient,
    outside_of: FunctionCodec,
    batches: Sequence[tuple[str, str]],
    replies: Sequence[dict[str, Any]],
) -> set[tuple[str, str]]:
    """The batches destined outside the consortium, from the replies to their `destinedOutside`
    calls; a version from before such destinations has no such view (a revert): none of its own."""
    found = set()
    for batch, reply in zip(batches, replies, strict=True):
        try:
            if outside_of.decode(view_result(client, reply, "whether a batch went outside the consortium")):
                found.add(batch)
        except LedgerError:
            continue
    return found


_VIEW_FIELDS = (
    "issued",
    "issuer",
    "issuer_member_id",
    "issued_at",
    "expires_at",
    "expired",
    "issuer_accredited_at_issue",
    "issuer_accredited_now",
    "status",
    "reason",
    "changed_at",
    "utilized",
    "successor_root",
    "successor_leaf",
)


def _view_dict(view: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(_VIEW_FIELDS, view, strict=True))


def _skipped(name: FragmentName, why: Finding) -> Fragment:
    return Fragment.of(name, FragmentStatus.SKIPPED, why)


def _fragment(name: FragmentName, ok: bool, *why: Finding) -> Fragment:
    return Fragment.of(name, FragmentStatus.VALID if ok else FragmentStatus.INVALID, *why)


def _chain_fragments(
    certificate: WrappedCertificate, state: dict[str, Any] | str, anchor: TrustAnchor | None, today: dt.date
) -> list[Fragment]:
    if isinstance(state, str):
        unreadable = finding(FindingCode.CHAIN_UNREADABLE, detail=state)
        return [Fragment.of(n, FragmentStatus.ERROR, unreadable) for n in list(FragmentName)[1:]]
    if state["untrusted"]:
        untrusted = finding(FindingCode.SKIPPED_REGISTRY_UNTRUSTED)
        return [
            _skipped(FragmentName.ISSUANCE, untrusted),
            _fragment(FragmentName.ISSUER, False, state["untrusted"]),
            *[_skipped(n, untrusted) for n in list(FragmentName)[3:]],
        ]
    if not state["issued"]:
        not_issued = finding(FindingCode.SKIPPED_NOT_ISSUED)
        return [
            _fragment(FragmentName.ISSUANCE, False, finding(FindingCode.NEVER_ISSUED, root=certificate.proof.root)),
            *[_skipped(n, not_issued) for n in list(FragmentName)[2:]],
        ]
    return [
        _issuance(state),
        _issuer(certificate, state, anchor),
        _expiry(certificate, state, today),
        _utilization(certificate, state),
    ]


def _when(unix: int) -> str:
    return dt.datetime.fromtimestamp(unix, dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _issuance(state: dict[str, Any]) -> Fragment:
    status = CertificateStatus(state["status"])
    if status is CertificateStatus.VALID:
        return _fragment(
            FragmentName.ISSUANCE, True, finding(FindingCode.IN_FORCE, issued_at=_when(state["issued_at"]))
        )
    since = _when(state["changed_at"])
    if status is CertificateStatus.SUPERSEDED:
        successor = "0x" + bytes(state["successor_leaf"]).hex()
        root = "0x" + bytes(state["successor_root"]).hex()
        why = finding(FindingCode.SUPERSEDED, since=since, successor=successor, successor_root=root)
        return _fragment(FragmentName.ISSUANCE, False, why)
    code = FindingCode.REVOKED if status is CertificateStatus.REVOKED else FindingCode.SUSPENDED
    return _fragment(FragmentName.ISSUANCE, False, finding(code, reason=reason_name(state["reason"]), since=since))


def _issuer(certificate: WrappedCertificate, state: dict[str, Any], anchor: TrustAnchor | None) -> Fragment:
    member = member_id_text(state["issuer_member_id"]) or "?"
    if anchor is None:
        return Fragment.of(FragmentName.ISSUER, FragmentStatus.ERROR, finding(FindingCode.NO_TRUST_ANCHOR))
    model = document_model(certificate.type)
    for path in model.issuing_country_fields:
        country = field_at(certificate.data, path)
        if country is not None and country != member:
            why = finding(FindingCode.ISSUING_COUNTRY_DIFFERS, field=path, country=country, member=member)
            return _fragment(FragmentName.ISSUER, False, why)
    if state["issuer"].lower() != certificate.issuer.address.lower():
        why = finding(FindingCode.ISSUER_DIFFERS, named=certificate.issuer.address, recorded=state["issuer"])
        return _fragment(FragmentName.ISSUER, False, why)
    if not state["issuer_accredited_at_issue"]:
        why = finding(FindingCode.ISSUER_NOT_ACCREDITED, issuer=state["issuer"], type=certificate.type)
        return _fragment(FragmentName.ISSUER, False, why)
    code = (
        FindingCode.ISSUER_ACCREDITED
        if state["issuer_accredited_now"]
        else FindingCode.ISSUER_ACCREDITED_SINCE_WITHDRAWN
    )
    return _fragment(
        FragmentName.ISSUER, True, finding(code, issuer=state["issuer"], member=member, type=certificate.type)
    )


def _expiry(certificate: WrappedCertificate, state: dict[str, Any], today: dt.date) -> Fragment:
    if state["expired"]:
        return _fragment(
            FragmentName.EXPIRY, False, finding(FindingCode.BATCH_EXPIRED, expired_at=_when(state["expires_at"]))
        )
    batch = (
        finding(FindingCode.BATCH_VALID_UNTIL, expires_at=_when(state["expires_at"]))
        if state["expires_at"]
        else finding(FindingCode.NO_BATCH_EXPIRY)
    )
    raw = certificate.data.get("expiry_date")
    if isinstance(raw, str):
        try:
            expiry = dt.date.fromisoformat(raw)
        except ValueError:
            return _fragment(FragmentName.EXPIRY, False, finding(FindingCode.EXPIRY_NOT_A_DATE, value=repr(raw)))
        if expiry < today:
            return _fragment(FragmentName.EXPIRY, False, finding(FindingCode.DOCUMENT_EXPIRED, date=expiry))
        return _fragment(FragmentName.EXPIRY, True, batch, finding(FindingCode.DOCUMENT_VALID_UNTIL, date=expiry))
    if "expiry_date" not in certificate.data and certificate.obfuscated:
        return _fragment(FragmentName.EXPIRY, True, batch, finding(FindingCode.DOCUMENT_EXPIRY_HIDDEN))
    return _fragment(FragmentName.EXPIRY, True, batch, finding(FindingCode.DOCUMENT_WITHOUT_EXPIRY))


def _utilization(certificate: WrappedCertificate, state: dict[str, Any]) -> Fragment:
    # `utilized` is counted per certificate number: every copy carrying this number draws on it
    quantity, utilized = certificate.proof.quantity, int(state["utilized"])
    if state.get("outside"):
        country = state.get("destination") or certificate.proof.importing_member
        return _fragment(FragmentName.UTILIZATION, True, finding(FindingCode.UTILIZATION_NOT_RECORDED, country=country))
    if quantity == 0:
        if utilized:
            return _fragment(FragmentName.UTILIZATION, False, finding(FindingCode.SINGLE_USE_USED))
        return _fragment(FragmentName.UTILIZATION, True, finding(FindingCode.SINGLE_USE_UNUSED))
    remaining = quantity - utilized
    unit = f" {certificate.unit}" if certificate.unit else ""
    if remaining <= 0:
        why = finding(
            FindingCode.FULLY_UTILIZED,
            drawn=format_quantity(utilized) + unit,
            quantity=format_quantity(quantity) + unit,
        )
        return _fragment(FragmentName.UTILIZATION, False, why)
    why = finding(
        FindingCode.QUANTITY_REMAINING,
        remaining=format_quantity(remaining) + unit,
        quantity=format_quantity(quantity) + unit,
    )
    return _fragment(FragmentName.UTILIZATION, True, why)
