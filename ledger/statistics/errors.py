"""What goes wrong with statistics tables, in words: one class per failure, message built here;
StatisticsRegistry's custom errors rewritten with member ids and months."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from ledger.errors import InvalidInput, LedgerError, RevertMessages, readable_reverts
from ledger.ids import revert_member
from ledger.timestamps import iso


class InvalidTable(InvalidInput):
    """A statistics table file breaks the format; `source` is the file, `line` the line (0: the
    file as a whole)."""

    code = "invalid-table"

    def __init__(self, source: str, reason: str, *, line: int = 0) -> None:
        self.source = source
        self.line = line
        super().__init__(reason, path=f"{source}, line {line}" if line else source)


class NotCommitted(LedgerError):
    """The reporter has committed no table with this flow, partner and month."""

    code = "statistics-not-committed"

    def __init__(self, table: str, reporter: str) -> None:
        super().__init__(f"{reporter} has committed no root for {table}: there is nothing to check it against")


class TableMismatch(LedgerError):
    """A table's rows do not give the root its reporter committed last."""

    code = "statistics-mismatch"

    def __init__(
        self, table: str, reporter: str, *, revision: int, committed_at: int, matches_revision: int | None
    ) -> None:
        self.revision = revision
        self.matches_revision = matches_revision
        earlier = (
            f"; it is revision {matches_revision}, which {reporter} has since revised"
            if matches_revision is not None
            else ""
        )
        when = iso(committed_at)
        super().__init__(
            f"{table} does not match the root {reporter} committed at {when} (revision {revision}){earlier}"
        )


class WrongReporter(LedgerError):
    """The signing key belongs to another member than the table's reporter."""

    code = "statistics-wrong-reporter"

    def __init__(self, table: str, reporter: str, account: str, member: str | None) -> None:
        whose = f"is accredited by {member}" if member else "is accredited by no member"
        super().__init__(f"{table} is {reporter}'s, but {account} {whose}: {reporter}'s own oracle commits it")


class NotMirror(LedgerError):
    """Two tables that are not one trade seen from both sides."""

    code = "statistics-not-mirror"

    def __init__(self, reason: str) -> None:
        super().__init__(f"not mirror tables: {reason}")


def _month(value: Any) -> str:
    return f"{int(value) // 100:04d}-{int(value) % 100:02d}"


_MESSAGES: RevertMessages = {
    "StatisticsRegistryNotOracle": lambda v: f"{v['caller']} is not a statistics oracle of an active member",
    "StatisticsRegistryAdminNotOracle": lambda v: (
        f"{v['caller']} is {revert_member(v['member'])}'s governance key: statistics are committed by its oracles"
    ),
    "StatisticsRegistryOwnPartner": lambda v: f"{revert_member(v['member'])} cannot report trade with itself",
    "StatisticsRegistryUnknownPartner": lambda v: f"{revert_member(v['partner'])} is not an active member",
    "StatisticsRegistryInvalidPeriod": lambda v: f"{v['period']} is not a month YYYYMM from 197001 on",
    "StatisticsRegistryFuturePeriod": lambda v: (
        f"{_month(v['period'])} has not begun: the chain's month is {_month(v['current'])}"
    ),
    "StatisticsRegistryZeroRows": lambda v: "a table has at least one row",
    "StatisticsRegistryUnchanged": lambda v: (
        f"{revert_member(v['member'])}'s revision {v['revision']} of this table already holds this root, "
        "row count and CID"
    ),
}


def readable_errors() -> AbstractContextManager[None]:
    """Re-raise StatisticsRegistry reverts inside the block with readable messages."""
    return readable_reverts(_MESSAGES)


class SharedCopyMismatch(LedgerError):
    """The table read from the document store is not the document its reporter committed with the root."""

    code = "statistics-shared-copy-mismatch"

    def __init__(self, table: str, reporter: str, committed: str | None) -> None:
        named = f"the document {committed}" if committed else "no shared document"
        super().__init__(
            f"{table}: the shared copy read from the store is not the one {reporter} committed ({named}); "
            "ask for the CID the partner committed"
        )
