"""Typed bindings for MRAs on AeoRegistry: propose, accept, suspend, resume, terminate, list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from web3.contract import Contract
from web3.contract.contract import ContractFunction

from ledger.aeo.codes import MraStatus, slug
from ledger.aeo.models import Mra, MraActionResult, MraProposal, MraState
from ledger.aeo.registry import CONTRACT
from ledger.chain.client import LedgerClient
from ledger.chain.reads import read_pages
from ledger.consortium.binding import ConsortiumBinding
from ledger.errors import InvalidInput
from ledger.ids import member_id_bytes, member_id_text
from ledger.timestamps import to_unix


class MraBinding:
    """Mutual recognition arrangements between members, through a LedgerClient."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.contract: Contract = client.contract(CONTRACT)

    # -------------------------------------------------------------- reads

    def get(self, *, member: str, partner: str) -> Mra:
        """The MRA between `member` and `partner`, seen from `member`."""
        a, b = member_id_bytes(member), member_id_bytes(partner)
        fns = self.contract.functions
        state, suspended_by, changes = self.client.call(fns.mra(a, b))
        history = read_pages(
            self.client,
            length=self.client.call(fns.mraHistoryLength(a, b)),
            page=lambda offset, limit: fns.mraHistory(a, b, offset, limit),
            page_size=int(self.client.call(fns.MAX_HISTORY_PAGE())),
        )
        proposal = MraProposal.from_chain(self.client.call(fns.mraProposal(a, b)))
        parsed = MraState.from_chain(state)
        return Mra(
            member=member.upper(),
            partner=partner.upper(),
            status=parsed.status if changes else ("proposed" if proposal else parsed.status),
            state=parsed,
            suspended_by=member_id_text(suspended_by) or None,
            changes=changes,
            proposal=proposal,
            history=[MraState.from_chain(h) for h in history],
        )

    def list_mras(self, *, member: str | None = None) -> list[Mra]:
        """Every MRA (or proposal) of `member`, or of every consortium member, once per pair."""
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
                found.append(self.get(member=m, partner=partner))
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
        sent = self.client.transact(fn)
        return MraActionResult(
            action=action,
            member=member.upper(),
            partner=partner.upper(),
            tx_hash=sent.tx_hash,
            mra=self.get(member=member, partner=partner),
        )


def is_in_force(mra: Mra) -> bool:
    return mra.state.status == slug(MraStatus.IN_FORCE)
