"""Names of accounts from the index alone (no chain): the same answer as the Consortium's
`accountName` and `memberOf` at the indexed block, replayed from the events."""

from __future__ import annotations

from collections.abc import Iterable

from eth_utils.address import is_address, to_checksum_address
from sqlalchemy import Connection, and_, or_, select

from ledger.consortium.display_name import shown_name
from ledger.consortium.names import AccountName, unknown
from ledger.index.audit import MEMBERSHIP_EVENTS
from ledger.index.presentation import member_text
from ledger.index.state import EVENTS

GRANT_EVENTS = ("Accredited", "AccreditationWithdrawn")
NAMED = "AccountNamed"


def _admins(connection: Connection) -> tuple[dict[str, str], dict[str, str]]:
    """Member names by id, and the member whose active admin each account is (lower-case hex)."""
    rows = connection.execute(
        select(EVENTS.c.event, EVENTS.c.args)
        .where(EVENTS.c.event.in_(MEMBERSHIP_EVENTS))
        .order_by(EVENTS.c.block_number, EVENTS.c.log_index)
    )
    names: dict[str, str] = {}
    admin_of: dict[str, str] = {}  # member id -> its admin
    for event, args in rows:
        member = member_text(args["memberId"])
        if event == "MemberAdded":
            names[member] = shown_name(str(args["name"]))
            admin_of[member] = str(args["admin"]).lower()
        elif event == "AdminRotated":
            admin_of[member] = str(args["newAdmin"]).lower()
        else:
            admin_of.pop(member, None)
    return names, {admin: member for member, admin in admin_of.items()}


def _bound(connection: Connection, accounts: list[bytes]) -> dict[str, tuple[str, str | None]]:
    """The member each account is bound to (a grant of it stands: its last grant event is not a
    withdrawal) and the latest name that member set, by lower-case hex."""
    rows = connection.execute(
        select(EVENTS.c.event, EVENTS.c.account, EVENTS.c.role, EVENTS.c.scope, EVENTS.c.args)
        .where(and_(
            EVENTS.c.account.in_(accounts),
            or_(EVENTS.c.event.in_(GRANT_EVENTS), EVENTS.c.event == NAMED),
        ))
        .order_by(EVENTS.c.block_number, EVENTS.c.log_index)
    )  # fmt: skip
    standing: dict[str, dict[tuple[bytes, bytes], str]] = {}
    named: dict[tuple[str, str], str] = {}
    for event, account, role, scope, args in rows:
        address = "0x" + bytes(account).hex()
        member = member_text(args["memberId"])
        if event == NAMED:
            named[(address, member)] = shown_name(str(args["name"]))
            continue
        grants = standing.setdefault(address, {})
        if event == "Accredited":
            grants[(role, scope)] = member
        else:
            grants.pop((role, scope), None)
    bound: dict[str, tuple[str, str | None]] = {}
    for address, grants in standing.items():
        if grants:
            member = next(iter(grants.values()))  # the contract binds an account to one member
            bound[address] = (member, named.get((address, member)))
    return bound


def account_names(connection: Connection, addresses: Iterable[str]) -> dict[str, AccountName]:
    """The names of `addresses` (keyed as given) as the indexed events say."""
    given = list(dict.fromkeys(addresses))
    wanted = {a: a.lower() for a in given if is_address(a)}
    member_names, admins = _admins(connection)
    bound = _bound(connection, [bytes.fromhex(h[2:]) for h in set(wanted.values())]) if wanted else {}
    found: dict[str, AccountName] = {}
    for address in given:
        key = wanted.get(address)
        if key is None:
            found[address] = unknown(address)
            continue
        admin = admins.get(key)
        member, name = (admin, None) if admin else bound.get(key, (None, None))
        found[address] = AccountName(
            address=to_checksum_address(key),
            name=name,
            member_id=member,
            member_name=member_names.get(member) if member else None,
            admin=admin is not None,
        )
    return found
