"""Verify wrapped certificates: fragments, each VALID / INVALID / ERROR / SKIPPED with a reason.

Only the file and a node are needed. All chain reads for a set of certificates go through the
registry's batched view (`certificateStates`), one eth_call per 256 certificates, all in one
JSON-RPC batch. Integrity checks of large sets run on every core (ledger.parallel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from web3 import Web3

from ledger.certificates.quantities import format_quantity
from ledger.certificates.status import CertificateStatus
from ledger.certificates.trust import TrustAnchor, genuine_registry_code, registry_refusal
from ledger.certificates.wrapped import WrappedCertificate, check_integrity, from_hex
from ledger.chain.client import LedgerClient
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
    name: FragmentName
    status: FragmentStatus
    reason: str


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
    remaining: int | None = Field(
        default=None, description="Quantity left to draw, thousandths of the unit (None: unknown or single-use)"
    )
    fragments: list[Fragment]


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
    """
    today = today or dt.datetime.now(dt.UTC).date()
    integrity = fork_map(check_integrity, certificates, workers=workers)
    states: dict[int, dict[str, Any] | str] = {}
    to_read = [i for i, result in enumerate(integrity) if result.valid]
    for i, state in _read_states(client, [certificates[i] for i in to_read], anchor).items():
        states[to_read[i]] = state
    results = []
    for i, certificate in enumerate(certificates):
        fragments = [
            Fragment(
                name=FragmentName.INTEGRITY,
                status=FragmentStatus.VALID if integrity[i].valid else FragmentStatus.INVALID,
                reason=integrity[i].reason,
            )
        ]
        if not integrity[i].valid:
            fragments += [_skipped(name, "integrity failed") for name in list(FragmentName)[1:]]
        else:
            fragments += _chain_fragments(certificate, states[i], anchor, today)
        number = certificate.data.get("certificate_number")
        chain_state = states.get(i)
        remaining = (
            max(certificate.proof.quantity - int(chain_state["utilized"]), 0)
            if isinstance(chain_state, dict) and certificate.proof.quantity
            else None
        )
        results.append(
            Verification(
                valid=all(f.status is FragmentStatus.VALID for f in fragments),
                decided=all(f.status is not FragmentStatus.ERROR for f in fragments),
                type=certificate.type,
                certificate_number=number if isinstance(number, str) else None,
                root=certificate.proof.root,
                leaf="0x" + certificate.leaf.hex(),
                hidden_fields=list(certificate.hidden),
                trust_anchor=anchor.describe() if anchor else None,
                remaining=remaining,
                fragments=fragments,
            )
        )
    return results


def _read_states(
    client: LedgerClient, certificates: Sequence[WrappedCertificate], anchor: TrustAnchor | None
) -> dict[int, dict[str, Any] | str]:
    """Chain state per certificate index (with `untrusted`: why its registry is not trusted, or
    None), or the reason it could not be read.

    Per registry: its code and every `certificateStates` call (256 certificates each) in
    JSON-RPC batches of CALLS_PER_REQUEST calls; a small set takes one HTTP round trip.
    """
    found: dict[int, dict[str, Any] | str] = {}
    groups: dict[tuple[int, str], list[int]] = {}
    for i, c in enumerate(certificates):
        groups.setdefault((c.proof.chain_id, c.proof.registry.lower()), []).append(i)
    states = client.artifacts.codec("CertificateRegistry").function("certificateStates")
    expected = genuine_registry_code(client, anchor.consortium) if anchor else b""
    for (chain_id, registry), indexes in groups.items():
        try:
            node_chain = client.chain_id
            if node_chain != chain_id:
                raise LedgerError(f"certificate is anchored on chain {chain_id}, the node is on chain {node_chain}")
            chunks = [indexes[start : start + QUERY_CHUNK] for start in range(0, len(indexes), QUERY_CHUNK)]
            # the genuine registry's code has no SELFDESTRUCT: once seen at an address it stays
            known = expected if expected and client.immutable_code.get(registry) == expected else None
            calls: list[tuple[str, list[Any]]] = [] if known else [("eth_getCode", [registry, "latest"])]
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
                calls.append(("eth_call", [{"to": registry, "data": states.call_data(refs)}, "latest"]))
            replies = [
                reply
                for start in range(0, len(calls), CALLS_PER_REQUEST)
                for reply in client.raw_batch(calls[start : start + CALLS_PER_REQUEST])
            ]
            code = known or bytes.fromhex(str(replies.pop(0).get("result") or "0x")[2:])
            if not code:
                raise LedgerError(f"no contract at registry {Web3.to_checksum_address(registry)} on chain {chain_id}")
            if expected and code == expected:
                client.immutable_code[registry] = code
            untrusted = registry_refusal(anchor, registry, code, expected) if anchor else None
            for part, reply in zip(chunks, replies, strict=True):
                if "error" in reply:
                    raise LedgerError(f"registry {registry} refused the status query: {reply['error'].get('message')}")
                for i, view in zip(part, states.decode(bytes.fromhex(reply["result"][2:])), strict=True):
                    found[i] = {**_view_dict(view), "untrusted": untrusted}
        except LedgerError as exc:
            for i in indexes:
                found[i] = exc.message
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


def _skipped(name: FragmentName, reason: str) -> Fragment:
    return Fragment(name=name, status=FragmentStatus.SKIPPED, reason=reason)


def _fragment(name: FragmentName, ok: bool, reason: str) -> Fragment:
    return Fragment(name=name, status=FragmentStatus.VALID if ok else FragmentStatus.INVALID, reason=reason)


def _chain_fragments(
    certificate: WrappedCertificate, state: dict[str, Any] | str, anchor: TrustAnchor | None, today: dt.date
) -> list[Fragment]:
    if isinstance(state, str):
        return [Fragment(name=n, status=FragmentStatus.ERROR, reason=state) for n in list(FragmentName)[1:]]
    if state["untrusted"]:
        return [
            _skipped(FragmentName.ISSUANCE, "registry not trusted"),
            _fragment(FragmentName.ISSUER, False, state["untrusted"]),
            *[_skipped(n, "registry not trusted") for n in list(FragmentName)[3:]],
        ]
    if not state["issued"]:
        return [
            _fragment(FragmentName.ISSUANCE, False, f"root {certificate.proof.root} was never issued on this registry"),
            *[_skipped(n, "not issued") for n in list(FragmentName)[2:]],
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
    issued = f"issued {_when(state['issued_at'])}"
    if status is CertificateStatus.VALID:
        return _fragment(FragmentName.ISSUANCE, True, f"{issued}; not revoked or suspended")
    since = f"since {_when(state['changed_at'])}"
    if status is CertificateStatus.SUPERSEDED:
        successor = "0x" + bytes(state["successor_leaf"]).hex()
        root = "0x" + bytes(state["successor_root"]).hex()
        return _fragment(FragmentName.ISSUANCE, False, f"superseded {since} by certificate {successor} (root {root})")
    return _fragment(FragmentName.ISSUANCE, False, f"{status.label} ({reason_name(state['reason'])}) {since}")


def _issuer(certificate: WrappedCertificate, state: dict[str, Any], anchor: TrustAnchor | None) -> Fragment:
    member = member_id_text(state["issuer_member_id"]) or "?"
    if anchor is None:
        return Fragment(
            name=FragmentName.ISSUER,
            status=FragmentStatus.ERROR,
            reason="no trust anchor: name the consortium you trust (--trust ADDRESS or SANZHI_TRUST_CONSORTIUM) "
            "or deploy records for this chain",
        )
    model = document_model(certificate.type)
    for path in model.issuing_country_fields:
        country = field_at(certificate.data, path)
        if country is not None and country != member:
            return _fragment(
                FragmentName.ISSUER, False, f"{path} is {country}, but the issuer is accredited by {member}"
            )
    if state["issuer"].lower() != certificate.issuer.address.lower():
        return _fragment(
            FragmentName.ISSUER, False, f"file names issuer {certificate.issuer.address}, chain says {state['issuer']}"
        )
    if not state["issuer_accredited_at_issue"]:
        return _fragment(FragmentName.ISSUER, False, f"{state['issuer']} was not accredited for {certificate.type}")
    now = "" if state["issuer_accredited_now"] else " (accreditation since withdrawn)"
    return _fragment(
        FragmentName.ISSUER, True, f"{state['issuer']} accredited by {member} for {certificate.type} at issue{now}"
    )


def _expiry(certificate: WrappedCertificate, state: dict[str, Any], today: dt.date) -> Fragment:
    if state["expired"]:
        return _fragment(FragmentName.EXPIRY, False, f"batch expired {_when(state['expires_at'])}")
    batch = f"batch valid until {_when(state['expires_at'])}" if state["expires_at"] else "no batch expiry"
    raw = certificate.data.get("expiry_date")
    if isinstance(raw, str):
        try:
            expiry = dt.date.fromisoformat(raw)
        except ValueError:
            return _fragment(FragmentName.EXPIRY, False, f"expiry date {raw!r} is not a date")
        if expiry < today:
            return _fragment(FragmentName.EXPIRY, False, f"document expired on {expiry}")
        return _fragment(FragmentName.EXPIRY, True, f"{batch}; document valid until {expiry}")
    if "expiry_date" not in certificate.data and certificate.obfuscated:
        return _fragment(FragmentName.EXPIRY, True, f"{batch}; document expiry hidden or absent")
    return _fragment(FragmentName.EXPIRY, True, f"{batch}; the document has no expiry date")


def _utilization(certificate: WrappedCertificate, state: dict[str, Any]) -> Fragment:
    # `utilized` is counted per certificate number: every copy carrying this number draws on it
    quantity, utilized = certificate.proof.quantity, int(state["utilized"])
    if quantity == 0:
        if utilized:
            return _fragment(FragmentName.UTILIZATION, False, "single-use certificate already used")
        return _fragment(FragmentName.UTILIZATION, True, "single-use certificate, not used yet")
    remaining = quantity - utilized
    if remaining <= 0:
        return _fragment(
            FragmentName.UTILIZATION,
            False,
            f"fully utilized: {format_quantity(utilized)} drawn of {format_quantity(quantity)}",
        )
    return _fragment(
        FragmentName.UTILIZATION,
        True,
        f"remaining {format_quantity(remaining)} of {format_quantity(quantity)}",
    )
