"""What the indexer and the audit queries refuse, one class per failure."""

from __future__ import annotations

from ledger.errors import ConfigurationError, InvalidInput, LedgerError


class UnsupportedDatabase(ConfigurationError):
    """The database URL names a database the index does not run on."""

    code = "unsupported-database"

    def __init__(self, scheme: str) -> None:
        self.scheme = scheme
        super().__init__(
            f"the index runs on SQLite (sqlite:///FILE) or PostgreSQL (postgresql+psycopg://...), not {scheme!r}"
        )


class DatabaseUnavailable(LedgerError):
    """The index database cannot be opened or reached."""

    code = "database-unavailable"

    def __init__(self, where: str, detail: str) -> None:
        self.where = where
        super().__init__(f"cannot use the index database {where}: {detail}")


class IndexSchemaNewer(LedgerError):
    """The database was migrated by a newer sanzhi than this one."""

    code = "index-schema-newer"

    def __init__(self, where: str, revision: str) -> None:
        super().__init__(f"the index at {where} is at schema revision {revision}, which this sanzhi does not know")


class ChainReset(LedgerError):
    """The index follows another chain (or deployment) than the node now has."""

    code = "chain-reset"

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            f"the index does not belong to this chain: {detail}; the chain was reset or redeployed. "
            "Run `sanzhi index --rebuild` to delete the index of the old chain and index this one"
        )


class NotIndexed(LedgerError):
    """Nothing has been indexed in this database yet."""

    code = "not-indexed"

    def __init__(self, where: str) -> None:
        super().__init__(
            f"the index at {where} is empty: run `sanzhi index` first (`sanzhi up` indexes and follows the chain)"
        )


class InvalidCursor(InvalidInput):
    """A pagination cursor that this query did not hand out."""

    code = "invalid-cursor"

    def __init__(self) -> None:
        super().__init__("not a cursor of this query (pass the next_cursor of the previous page)", path="cursor")


class CertificateNotFound(LedgerError):
    """A certificate number that is not among the issuer records of this index."""

    code = "certificate-not-found"

    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__(
            f"certificate number {number} is not among the issuer records of this index "
            "(import your issued certificates with `sanzhi index --issued DIR`, or give its root or leaf)"
        )


class IndexOutOfStep(LedgerError):
    """The index describes another chain or deployment than the node now serves (the follower
    saw a reset): nothing is answered from it until it is rebuilt."""

    code = "index-out-of-step"

    def __init__(self, reason: str, *, rebuilds_itself: bool, retry_after: int) -> None:
        self.reason = reason
        self.rebuilds_itself = rebuilds_itself
        self.retry_after = retry_after
        then = (
            "this development service rebuilds it from the new chain by itself: retry in a few seconds"
            if rebuilds_itself
            else "the operator must run `sanzhi index --rebuild` to index the chain the node now serves"
        )
        super().__init__(f"the index no longer matches the chain ({reason}); {then}")
