"""The founding vote: the consortium lists the first deployment of every kind."""

from __future__ import annotations

from collections.abc import Sequence

from ledger.chain.client import LedgerClient
from ledger.chain.deployments import Deployment
from ledger.consortium.binding import ConsortiumBinding, ProposalResult
from ledger.consortium.registries import REGISTRY_KINDS
from ledger.errors import ConfigurationError, ContractRevert, ReadFailed, UndecodableData


def list_founding_registries(admins: Sequence[LedgerClient], deployment: Deployment) -> ProposalResult | None:
    """Propose, as `admins[0]`, that the consortium list each registry of `deployment` whose
    kind it lists nothing of yet, and approve as the other admins until the vote carries.

    None when every kind has a listed version already (a rerun, or a consortium that has moved
    on by upgrades: the deployment record's first addresses are never proposed again, which
    would roll it back). With fewer admins than the threshold the proposal stays open for the
    other members (`sanzhi consortium approve ID`).
    """
    consortium = ConsortiumBinding(admins[0])
    try:
        consortium.registry_kinds()
    except (ContractRevert, ReadFailed, UndecodableData) as exc:  # a revert, or an empty answer (no such function)
        raise ConfigurationError(
            f"the Consortium at {consortium.contract.address} does not list registries: it was deployed by an "
            f"earlier sanzhi ({type(exc).__name__}). Deploy this version's contracts on a fresh chain "
            "(for the development chain: stop it and remove its data directory, .sanzhi/, then run again)"
        ) from None
    pending = {
        kind: deployment.contracts[kind].address
        for kind in REGISTRY_KINDS
        if kind in deployment.contracts and not consortium.registry_versions(kind)
    }
    if not pending:
        return None
    result = consortium.propose_list_registries(pending)
    for admin in admins[1:]:
        if result.executed:
            break
        result = ConsortiumBinding(admin).approve(result.proposal_id)
    return result
