"""What goes wrong with alerts, in words: AlertRegistry's custom errors rewritten with member
ids, alert numbers and ISO 8601 times (the decoded class stays, so callers still catch
`ContractRevert.for_error(name)`), and the failures found before anything is sent."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from ledger.errors import LedgerError, RevertMessages, readable_reverts
from ledger.ids import revert_member
from ledger.timestamps import iso

SCOPE_LISTS = ("hs", "origins", "destinations", "ports_of_loading", "ports_of_discharge")


class AlertNotFound(LedgerError):
    """No listed version of the alert registry holds this alert."""

    code = "alert-not-found"

    def __init__(self, alert_id: int) -> None:
        self.alert_id = alert_id
        super().__init__(f"there is no alert {alert_id} (see `sanzhi alert list --all`)")


class NotAlertOwner(LedgerError):
    """The acting key is not a customs key of the member that published the alert."""

    code = "alert-not-owner"

    def __init__(self, alert_id: int, owner: str, acting: str | None) -> None:
        self.alert_id = alert_id
        self.owner = owner
        who = f"you act for {acting}" if acting else "your key is no member's customs key"
        super().__init__(f"alert {alert_id} is {owner}'s: only {owner}'s customs may change it ({who})")


def _text(value: Any) -> str:
    return value.rstrip(b"\0").decode(errors="replace") if isinstance(value, bytes) else str(value)


_MESSAGES: RevertMessages = {
    "AlertRegistryNotCustoms": lambda v: f"{v['caller']} is not a customs key of an active member",
    "AlertRegistryAdminNotCustoms": lambda v: (
        f"{v['caller']} is {revert_member(v['member'])}'s governance key: alerts are published by its customs keys"
    ),
    "AlertRegistryNotOwner": lambda v: (
        f"alert {v['alertId']} is {revert_member(v['owner'])}'s: only {revert_member(v['owner'])}'s customs "
        "may change it "
        f"(you act for {revert_member(v['member'])})"
    ),
    "AlertRegistryUnknownAlert": lambda v: f"there is no alert {v['alertId']} on this registry version",
    "AlertRegistryTooManyEntries": lambda v: (
        f"{SCOPE_LISTS[int(v['list'])]} names {v['length']} entries; at most {v['max']}"
    ),
    "AlertRegistryInvalidHs": lambda v: f"{_text(v['hs'])!r} is not an HS code of 2, 4 or 6 digits, or is named twice",
    "AlertRegistryInvalidMember": lambda v: f"{revert_member(v['member'])} is not an active member, or is named twice",
    "AlertRegistryInvalidPort": lambda v: f"{_text(v['port'])!r} is not a UN/LOCODE, or is named twice",
    "AlertRegistryInvalidInterval": lambda v: (
        f"in force from {iso(v['since'])} until {iso(v['until'])}: the end must come after the start and the "
        f"chain's time {iso(v['now'])}, and be no later than {iso(v['maxUntil'])} (366 days ahead)"
    ),
    "AlertRegistryNotLater": lambda v: (
        f"alert {v['alertId']} is in force until {iso(v['current'])} already: an extension must end later than "
        f"that, not at {iso(v['until'])}"
    ),
    "AlertRegistryEnded": lambda v: f"alert {v['alertId']} ended at {iso(v['until'])}; publish a new alert instead",
    "AlertRegistryAlreadyWithdrawn": lambda v: f"alert {v['alertId']} was withdrawn at {iso(v['withdrawnAt'])}",
    "AlertRegistryTooManyExtensions": lambda v: (
        f"alert {v['alertId']} has been extended {v['max']} times; publish a new alert instead"
    ),
    "AlertRegistryInvalidCid": lambda v: f"the reason's CID is {v['length']} bytes; at most {v['max']}",
}


def readable_errors() -> AbstractContextManager[None]:
    """Re-raise AlertRegistry reverts inside the block with readable messages."""
    return readable_reverts(_MESSAGES)
