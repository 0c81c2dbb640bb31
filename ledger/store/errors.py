"""What the document store refuses, in one line each that says what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.errors import LedgerError

if TYPE_CHECKING:
    from pathlib import Path

    from ledger.store.cid import ContentId


class BlobNotFound(LedgerError):
    """The backend holds no blob of that name (or, for IPFS, found none in time)."""

    code = "blob-not-found"

    def __init__(self, cid: ContentId, backend: str, detail: str = "") -> None:
        self.cid = cid
        self.backend = backend
        extra = f" ({detail})" if detail else ""
        super().__init__(f"blob {cid} is not in the {backend} store{extra}")


class BlobCorrupted(LedgerError):
    """The bytes a backend returned do not hash to the name they were asked for."""

    code = "blob-corrupted"

    def __init__(self, cid: ContentId, backend: str, actual: ContentId) -> None:
        self.cid = cid
        self.backend = backend
        self.actual = actual
        super().__init__(f"blob {cid} from the {backend} store is corrupted: its bytes hash to {actual}; refused")


class StoreUnavailable(LedgerError):
    """A backend cannot be reached (connection refused, reset or timed out)."""

    code = "store-unavailable"

    def __init__(self, api: str, detail: str) -> None:
        self.api = api
        self.detail = detail
        super().__init__(f"IPFS API at {api} is not answering: {detail}; the local store keeps the blob")


class StoreRefused(LedgerError):
    """A backend answered, but with an error for this request."""

    code = "store-refused"

    def __init__(self, api: str, operation: str, detail: str) -> None:
        self.api = api
        self.operation = operation
        self.detail = detail
        super().__init__(f"IPFS API at {api} refused to {operation}: {detail}")


class BlobNameMismatch(LedgerError):
    """An IPFS node named a file differently than we do: its import settings are not the
    defaults (CIDv1, raw leaves, 256 KiB chunks, balanced DAG of 174 links)."""

    code = "blob-name-mismatch"

    def __init__(self, api: str, path: str, theirs: str, ours: ContentId) -> None:
        self.api = api
        self.theirs = theirs
        self.ours = ours
        super().__init__(
            f"IPFS API at {api} named {path} {theirs}, but its bytes are {ours} under IPFS's default "
            "import settings (CIDv1, raw leaves, 256 KiB chunks, balanced, 174 links); refused: "
            "check the node's Import settings"
        )


class StoreWriteFailed(LedgerError):
    """A blob could not be written to disk (permissions, space, a directory in the way)."""

    code = "store-write-failed"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot write {path}: {reason}")


class DocumentTampered(LedgerError):
    """The ciphertext does not authenticate under the document key."""

    code = "document-tampered"

    def __init__(self, detail: str) -> None:
        super().__init__(f"the encrypted document was altered: {detail}")


class EnvelopeTampered(LedgerError):
    """An envelope's signatures or wrapped keys do not hold."""

    code = "envelope-tampered"

    def __init__(self, detail: str) -> None:
        super().__init__(f"the document's envelope was altered or forged: {detail}")


class EnvelopeMalformed(LedgerError):
    """An envelope blob is not an envelope: not JSON, another format version, a field of the
    wrong shape (a wrapped key of the wrong length, hex that is not hex ...)."""

    code = "envelope-malformed"

    def __init__(self, envelope: str, detail: str) -> None:
        self.envelope = envelope
        self.detail = detail
        super().__init__(f"the envelope {envelope} is malformed: {detail}")


class GranterNotAccredited(LedgerError):
    """A party whose accreditation was withdrawn (or whose member left) tries to share a document."""

    code = "granter-not-accredited"

    def __init__(self, document: str, account: str, detail: str, *, name: str | None = None) -> None:
        """`name`: the account's label (ledger.consortium.names), shown beside it."""
        self.document = document
        self.account = account
        self.detail = detail
        who = f"{account} ({name})" if name else account
        super().__init__(
            f"{who} can no longer grant access to {document}: {detail}; "
            "a recipient that is still accredited may share it"
        )


class NotARecipient(LedgerError):
    """The account holds no wrapped key for the document."""

    code = "not-a-recipient"

    def __init__(self, document: str, account: str, *, detail: str = "", name: str | None = None) -> None:
        """`name`: the account's label (ledger.consortium.names), shown beside it."""
        self.document = document
        self.account = account
        self.detail = detail
        why = f" ({detail})" if detail else ""
        who = f"{account} ({name})" if name else account
        super().__init__(
            f"{who} is not a recipient of {document}{why}: ask a recipient to run "
            f"`sanzhi docs share {document} --with {account}`"
        )


class NoEncryptionKey(LedgerError):
    """The party has no standing encryption key on chain."""

    code = "no-encryption-key"

    def __init__(self, party: str, detail: str, *, name: str | None = None) -> None:
        """`name`: the party's label (ledger.consortium.names), shown beside it."""
        self.party = party
        self.detail = detail
        who = f"{party} ({name})" if name else party
        super().__init__(
            f"{who} has no document encryption key on chain ({detail}); it registers one with "
            "`sanzhi docs register-key --as PROFILE`"
        )


class BlobTooLarge(LedgerError):
    """A blob that should be small (an envelope) is larger than allowed."""

    code = "blob-too-large"

    def __init__(self, cid: ContentId, size: int, limit: int) -> None:
        super().__init__(f"blob {cid} is {size:,} bytes or more, over the {limit:,} an envelope may have; refused")
