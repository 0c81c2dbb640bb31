"""Typed bindings for MRAs on AeoRegistry: propose, accept, suspend, resume, terminate, list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from web3.contract import Contract
from web3.contract.contract import ContractFunction

from ledger.aeo.codes import MraStatus, slug
from ledger.aeo.errors import readable_errors
from ledger.aeo.models import Mra, MraActionResult, MraProposal, MraState
from ledger.aeo.registry import CONTRACT
from ledger.chain.client import LedgerClient
from ledger.chain.reads import read_pages
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import InvalidInput, TransactionFailed
from ledger.ids import member_id_bytes, member_id_text
from ledger.timestamps import to_unix, utc_now


class MraBinding:
    """Mutual recognition arrangements between members, through a LedgerClient."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.contract: Contract = client.contract(CONTRACT)

    # -------------------------------------------------------------- reads

    def get(self, *, member: str, partner: str, at: datetime | None = None) -> Mra:
        """The MRA between `member` and `partner`, seen from `member`, and its state at `at`
        (default: the wall-clock time now)."""
        when = at or utc_now()
        a, b = member_id_bytes(member), member_id_bytes(partner)
        fns = self.contract.functions
        state, suspended_by, changes = self.client.call(fns.mra(a, b))
        history = [
            MraState.from_chain(h)
            for h in read_pages(
                self.client,
                length=self.client.call(fns.mraHistoryLength(a, b)),
                page=lambda offset, limit: fns.mraHistory(a, b, offset, limit),
                page_size=int(self.client.call(fns.MAX_HISTORY_PAGE())),
            )
        ]
        proposal = MraProposal.from_chain(self.client.call(fns.mraProposal(a, b)))
        parsed = MraState.from_chain(state)
        state_at = mra_state_at(self.client, member=member, partner=partner, at=when)
        return Mra(
            member=member.upper(),
            partner=partner.upper(),
            status=parsed.status if changes else ("proposed" if proposal else parsed.status),
            state=parsed,
            suspended_by=member_id_text(suspended_by) or None,
            changes=changes,
            proposal=proposal,
            history=history,
            at=when,
            state_at=state_at,
            in_force=in_force(state_at),
            scheduled=[h for h in history if h.since is not None and h.since > when],
        )

    def list_mras(self, *, member: str | None = None, at: datetime | None = None) -> list[Mra]:
        """Every MRA (or proposal) of `member`, or of every consortium member, once per pair,
        with its state at `at` (default: the wall-clock time now)."""
        when = at or utc_now()
        everyone = member is None
        members = [m.id for m in ConsortiumBinding(self.client).members()] if everyone else []
        if member is not None:
            members = [member.upper()]
        seen: set[frozenset[str]] = set()
        found: list[Mra] = []
        for m in members:
            for raw in self.client.call(self.contract.functions.mraPartners(member_id_bytes(m))):
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
        fn = self.contract.functions.proposeMra(
            member_id_bytes(partner),
            tiers_recognised_by_member,
            tiers_recognised_by_partner,
            to_unix(effective_from),
        )
        return self._act("proposed", member, partner, fn)

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
        fn = self.contract.functions.acceptMra(
            member_id_bytes(partner), tiers_recognised_by_proposer, tiers_recognised_by_partner, to_unix(effective_from)
        )
        return self._act("accepted", member, partner, fn)

    def proposal(self, *, member: str, partner: str) -> MraProposal | None:
        """The standing proposal between `member` and `partner`, if any."""
        raw = self.client.call(self.contract.functions.mraProposal(member_id_bytes(member), member_id_bytes(partner)))
        return MraProposal.from_chain(raw)

    def cancel(self, *, member: str, partner: str) -> MraActionResult:
        return self._act("cancelled", member, partner, self._fn("cancelMraProposal", partner))

    def suspend(self, *, member: str, partner: str) -> MraActionResult:
        return self._act("suspended", member, partner, self._fn("suspendMra", partner))

    def resume(self, *, member: str, partner: str) -> MraActionResult:
        return self._act("resumed", member, partner, self._fn("resumeMra", partner))

    def terminate(self, *, member: str, partner: str) -> MraActionResult:
        return self._act("terminated", member, partner, self._fn("terminateMra", partner))

    def _fn(self, name: str, partner: str) -> ContractFunction:
        build: Callable[[bytes], ContractFunction] = getattr(self.contract.functions, name)
        return build(member_id_bytes(partner))

    def _act(self, action: str, member: str, partner: str, fn: ContractFunction) -> MraActionResult:
        if member.upper() == partner.upper():
            raise InvalidInput("an MRA is between two different members", path="with")
        with readable_errors():
            sent = self.client.transact(fn)
        return MraActionResult(
            action=action,
            member=member.upper(),
            partner=partner.upper(),
            tx_hash=sent.tx_hash,
            mra=self.get(member=member, partner=partner),
        )


def mra_state_at(client: LedgerClient, *, member: str, partner: str, at: datetime) -> MraState:
    """The MRA between two members in effect at the instant `at`, seen from `member`.

    The time is always passed explicitly (never 0, which the contract reads as the block time
    of the call). At 1970-01-01T00:00:00Z itself no MRA is in effect: the contract records
    every MRA change at its block time or later, never at 0, so that instant is answered
    without asking it (see docs/formats.md, Times)."""
    when = to_unix(at)
    if when <= 0:
        return MraState.from_chain((0, 0, 0, 0))
    [reply] = client.raw_batch([mra_at_call(client, member=member, partner=partner, when=when)])
    return mra_state_from_reply(client, reply)


def mra_at_call(client: LedgerClient, *, member: str, partner: str, when: int) -> tuple[str, list[Any]]:
    """The `mraAt` eth_call, for a JSON-RPC batch (recognition sends it with its other reads)."""
    data = (
        client.artifacts.codec(CONTRACT)
        .function("mraAt")
        .call_data(member_id_bytes(member), member_id_bytes(partner), when)
    )
    return ("eth_call", [{"to": client.address_of(CONTRACT), "data": data}, "latest"])


def mra_state_from_reply(client: LedgerClient, reply: dict[str, Any]) -> MraState:
    if "error" in reply or "result" not in reply:
        raise TransactionFailed(f"mraAt failed: {reply.get('error')}")
    raw = client.artifacts.codec(CONTRACT).function("mraAt").decode(bytes.fromhex(str(reply["result"])[2:]))
    return MraState.from_chain(raw)


def in_force(state: MraState) -> bool:
    """Whether an MRA in this state (`mra_state_at` some time) is in force: the one test both
    `sanzhi mra list` and recognition use."""
    return state.status == slug(MraStatus.IN_FORCE)
