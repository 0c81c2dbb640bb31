"""Typed bindings for MRAs on AeoRegistry: propose, accept, suspend, resume, terminate, list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledger.aeo.codes import MraStatus, slug
from ledger.aeo.errors import readable_errors
from ledger.aeo.models import Mra, MraActionResult, MraProposal, MraState
from ledger.aeo.registry import CONTRACT, LATEST, aeo_versions, latest_of
from ledger.chain.client import LedgerClient
from ledger.chain.contract import BoundCall, ContractBinding
from ledger.chain.reads import batch_call, read_pages
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.versions import active_version
from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes, member_id_text
from ledger.timestamps import to_unix, utc_now


class MraBinding:
    """Mutual recognition arrangements between members, through a LedgerClient, on every listed
    AeoRegistry version: an MRA's latest change is on exactly one of them, which answers for it
    and takes its suspension, resumption and termination; proposals and acceptances go to the
    active version."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.contract = ContractBinding(client, CONTRACT, active_version(client, CONTRACT))

    # -------------------------------------------------------------- reads

    def get(self, *, member: str, partner: str, at: datetime | None = None) -> Mra:
        """The MRA between `member` and `partner`, seen from `member`, and its state at `at`
        (default: the wall-clock time now)."""
        when = at or utc_now()
        a, b = member_id_bytes(member), member_id_bytes(partner)
        versions = aeo_versions(self.client)
        records = batch_call(self.client, [v.fn("mra", a, b) for v in versions])
        latest = latest_of(records, records, lambda raw: raw[2] > 0, lambda raw: raw[0][1])
        page_size = int(self.contract.call("MAX_HISTORY_PAGE"))
        history: list[MraState] = []
        for version, (_, _, changes) in zip(versions, records, strict=True):
            pages = read_pages(
                self.client,
                length=changes,
                page=lambda offset, limit, v=version: v.fn("mraHistory", a, b, offset, limit),  # type: ignore[misc]
                page_size=page_size,
            )
            history.extend(MraState.from_chain(h) for h in pages)
        history.sort(key=lambda h: to_unix(h.since))  # versions never interleave an MRA's changes
        proposal = self._proposal(versions, a, b)[1]
        parsed = MraState.from_chain(latest[0] if latest else (0, 0, 0, 0))
        changes = sum(int(raw[2]) for raw in records)
        state_at = mra_state_at(self.client, member=member, partner=partner, at=when)
        return Mra(
            member=member.upper(),
            partner=partner.upper(),
            status=parsed.status if changes else ("proposed" if proposal else parsed.status),
            state=parsed,
            suspended_by=(member_id_text(latest[1]) or None) if latest else None,
            changes=changes,
            proposal=proposal,
            history=history,
            at=when,
            state_at=state_at,
            in_force=in_force(state_at),
            scheduled=[h for h in history if h.since is not None and h.since > when],
        )

    def _proposal(
        self, versions: list[ContractBinding], a: bytes, b: bytes
    ) -> tuple[ContractBinding, MraProposal | None]:
        """The pending proposal between two members and the version holding it (the newest that
        has one; the active version when none has)."""
        raws = batch_call(self.client, [v.fn("mraProposal", a, b) for v in versions])
        for version, raw in reversed(list(zip(versions, raws, strict=True))):
            found = MraProposal.from_chain(raw)
            if found is not None:
                return version, found
        return self.contract, None

    def _holder(self, member: str, partner: str) -> ContractBinding:
        """The version that holds the MRA's latest change (the active one when none has any)."""
        a, b = member_id_bytes(member), member_id_bytes(partner)
        versions = aeo_versions(self.client)
        states = batch_call(self.client, [v.fn("mraAt", a, b, LATEST) for v in versions])
        return latest_of(versions, states, lambda raw: raw[0] != MraStatus.NONE, lambda raw: raw[1]) or self.contract

    def list_mras(self, *, member: str | None = None, at: datetime | None = None) -> list[Mra]:
        """Every MRA (or proposal) of `member`, or of every consortium member, once per pair,
        with its state at `at` (default: the wall-clock time now)."""
        when = at or utc_now()
        everyone = member is None
        members = [m.id for m in ConsortiumBinding(self.client).members()] if everyone else []
        if member is not None:
            ConsortiumBinding(self.client).require_member(member, path="member")
            members = [member.strip().upper()]
        seen: set[frozenset[str]] = set()
        found: list[Mra] = []
        for m in members:
            fns = [v.fn("mraPartners", member_id_bytes(m)) for v in aeo_versions(self.client)]
            for raw in dict.fromkeys(p for partners in batch_call(self.client, fns) for p in partners):
                partner = member_id_text(raw)
                if frozenset((m, partner)) in seen:
                    continue
                seen.add(frozenset((m, partner)))
                found.append(self.get(member=m, partner=partner, at=when))
        return found

    # -------------------------------------------------------------- writes (member admin)

    def propose(
        self,
        *,
        member: str,
        partner: str,
        tiers_recognised_by_member: int,
        tiers_recognised_by_partner: int,
        effective_from: datetime | None = None,
    ) -> MraActionResult:
        """Propose an MRA (masks as from `codes.parse_tiers`); in force once `partner` accepts."""
        args = (
            member_id_bytes(partner),
            tiers_recognised_by_member,
            tiers_recognised_by_partner,
            to_unix(effective_from),
        )
        return self._act("proposed", member, partner, self.contract, "proposeMra", *args)

    def accept(
        self,
        *,
        member: str,
        partner: str,
        tiers_recognised_by_proposer: int,
        tiers_recognised_by_partner: int,
        effective_from: datetime | None,
    ) -> MraActionResult:
        """Accept `partner`'s proposal on exactly these terms (as the proposal shows them, from the
        proposer's side); the contract refuses if the proposal changed since it was read."""
        args = (
            member_id_bytes(partner),
            tiers_recognised_by_proposer,
            tiers_recognised_by_partner,
            to_unix(effective_from),
        )
        return self._act("accepted", member, partner, self.contract, "acceptMra", *args)

    def proposal(self, *, member: str, partner: str) -> MraProposal | None:
        """The standing proposal between `member` and `partner`, if any."""
        versions = aeo_versions(self.client)
        return self._proposal(versions, member_id_bytes(member), member_id_bytes(partner))[1]

    def cancel(self, *, member: str, partner: str) -> MraActionResult:
        versions = aeo_versions(self.client)
        holder = self._proposal(versions, member_id_bytes(member), member_id_bytes(partner))[0]
        return self._act("cancelled", member, partner, holder, "cancelMraProposal", member_id_bytes(partner))

    def suspend(self, *, member: str, partner: str) -> MraActionResult:
        holder = self._holder(member, partner)
        return self._act("suspended", member, partner, holder, "suspendMra", member_id_bytes(partner))

    def resume(self, *, member: str, partner: str) -> MraActionResult:
        holder = self._holder(member, partner)
        return self._act("resumed", member, partner, holder, "resumeMra", member_id_bytes(partner))

    def terminate(self, *, member: str, partner: str) -> MraActionResult:
        holder = self._holder(member, partner)
        return self._act("terminated", member, partner, holder, "terminateMra", member_id_bytes(partner))

    def _act(
        self, action: str, member: str, partner: str, holder: ContractBinding, function: str, *args: Any
    ) -> MraActionResult:
        if member.upper() == partner.upper():
            raise InvalidInput("an MRA is between two different members", path="with")
        with readable_errors():
            sent = holder.transact(function, *args)
        return MraActionResult(
            action=action,
            member=member.upper(),
            partner=partner.upper(),
            tx_hash=sent.tx_hash,
            mra=self.get(member=member, partner=partner),
        )


def mra_state_at(client: LedgerClient, *, member: str, partner: str, at: datetime) -> MraState:
    """The MRA between two members in effect at the instant `at`, seen from `member`, across the
    listed AeoRegistry versions.

    The time is always passed explicitly (never 0, which the contract reads as the block time
    of the call). At 1970-01-01T00:00:00Z itself no MRA is in effect: the contract records
    every MRA change at its block time or later, never at 0, so that instant is answered
    without asking it (see docs/formats.md, Times)."""
    when = to_unix(at)
    if when <= 0:
        return MraState.from_chain((0, 0, 0, 0))
    fns = mra_at_calls(aeo_versions(client), member=member, partner=partner, when=when)
    return latest_mra_state(batch_call(client, fns))


def mra_at_calls(versions: list[ContractBinding], *, member: str, partner: str, when: int) -> list[BoundCall]:
    """The `mraAt` view of every version (recognition sends them with its other reads)."""
    a, b = member_id_bytes(member), member_id_bytes(partner)
    return [v.fn("mraAt", a, b, when) for v in versions]


def latest_mra_state(raws: list[Any]) -> MraState:
    """Of the versions' `mraAt` answers, the latest (versions never interleave an MRA's changes)."""
    found = latest_of(raws, raws, lambda raw: raw[0] != MraStatus.NONE, lambda raw: raw[1])
    return MraState.from_chain(found or (0, 0, 0, 0))


def in_force(state: MraState) -> bool:
    """Whether an MRA in this state (`mra_state_at` some time) is in force: the one test both
    `sanzhi mra list` and recognition use."""
    return state.status == slug(MraStatus.IN_FORCE)
