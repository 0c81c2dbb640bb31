"""AeoRegistry's custom errors in words: status and tier names, member ids, ISO 8601 times.

The decoded revert keeps its class (callers still catch `ContractRevert.for_error(name)`);
only its message is rewritten, ending with the error's name."""

from __future__ import annotations

from contextlib import AbstractContextManager

from ledger.aeo.codes import ChangeKind, MraStatus, Status, slug, tier_name, tiers_of_mask
from ledger.errors import RevertMessages, readable_reverts
from ledger.ids import revert_member
from ledger.timestamps import iso

VERBS = {ChangeKind.CERTIFY: "certify", ChangeKind.SUSPEND: "suspend", ChangeKind.REINSTATE: "reinstate",
         ChangeKind.REVOKE: "revoke"}  # fmt: skip


MRA_WORDS = {MraStatus.NONE: "not in effect (never accepted)", MraStatus.IN_FORCE: "in force",
             MraStatus.SUSPENDED: "suspended", MraStatus.TERMINATED: "terminated"}  # fmt: skip


def _tiers(mask: int) -> str:
    return ",".join(tiers_of_mask(mask)) or "none"


def _messages(operator: str) -> RevertMessages:
    who = operator or "the operator"
    return {
        "AeoRegistryInvalidTransition": lambda v: (
            f"cannot {VERBS[ChangeKind(v['kind'])]} {who}: {revert_member(v['certifyingMember'])}'s certification is "
            f"{slug(Status(v['status']))}"
            + {
                ChangeKind.SUSPEND: " (only an active one can be suspended)",
                ChangeKind.REINSTATE: " (only a suspended one can be reinstated)",
                ChangeKind.REVOKE: " (only an active or suspended one can be revoked)",
            }.get(ChangeKind(v["kind"]), "")
        ),
        "AeoRegistryEffectiveTimeTooEarly": lambda v: (
            f"{who}: effective time {iso(v['effectiveAt'])} is before the certification's last change at "
            f"{iso(v['previous'])} (after an upgrade, a certification on the new version must be later than it)"
        ),
        "AeoRegistryHeldOnOtherVersion": lambda v: (
            f"{who}: {revert_member(v['certifyingMember'])}'s certification is held by AeoRegistry {v['registry']}, "
            "another listed version: change it there (sanzhi routes changes by itself)"
        ),
        "AeoRegistryMraHeldOnOtherVersion": lambda v: (
            f"the MRA between {revert_member(v['member'])} and {revert_member(v['partner'])} is held by AeoRegistry "
            f"{v['registry']}, another listed version: change it there (sanzhi routes changes by itself)"
        ),
        "AeoRegistryInvalidValidity": lambda v: (
            f"valid until {iso(v['validUntil'])} is not after valid from {iso(v['validFrom'])}"
        ),
        "AeoRegistryInvalidTier": lambda v: f"tier {tier_name(v['tier'])} is not between 1 and {v['max']}",
        "AeoRegistryInvalidTierMask": lambda v: (
            f"invalid tiers: proposer recognises {_tiers(v['tiersRecognisedByProposer'])}, partner recognises "
            f"{_tiers(v['tiersRecognisedByPartner'])} (give at least one tier 1..15)"
        ),
        "AeoRegistryMraTermsChanged": lambda v: (
            f"the proposal between {revert_member(v['member'])} and {revert_member(v['partner'])} now reads: proposer "
            f"recognises {_tiers(v['tiersRecognisedByProposer'])}, partner recognises "
            f"{_tiers(v['tiersRecognisedByPartner'])}, effective {iso(v['effectiveFrom'], empty='on acceptance')}; "
            "accept with exactly these terms (see `sanzhi mra list`)"
        ),
        "AeoRegistryInvalidMraTransition": lambda v: (
            f"the MRA between {revert_member(v['member'])} and {revert_member(v['partner'])} is "
            f"{MRA_WORDS[MraStatus(v['status'])]}: that action does not apply to it"
        ),
        "AeoRegistryNotMraSuspender": lambda v: (
            f"only {revert_member(v['suspendedBy'])}, which suspended the MRA between {revert_member(v['member'])} and "
            f"{revert_member(v['partner'])}, can resume it"
        ),
        "AeoRegistryNoMraProposal": lambda v: (
            f"no MRA proposal is pending between {revert_member(v['member'])} and {revert_member(v['partner'])}"
        ),
        "AeoRegistryOwnMraProposal": lambda v: (
            f"{revert_member(v['member'])} proposed this MRA; {revert_member(v['partner'])} accepts it"
        ),
        "AeoRegistryInvalidPartner": lambda v: (
            f"{revert_member(v['partner'])} is not another active member of the consortium"
        ),
    }


def readable_errors(operator: str = "") -> AbstractContextManager[None]:
    """Re-raise AeoRegistry reverts inside the block with readable messages (naming `operator`)."""
    return readable_reverts(_messages(operator))
