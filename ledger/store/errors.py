"""What the document store refuses, each with a message that says what to do."""

from __future__ import annotations

from ledger.errors import LedgerError


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


class NotARecipient(LedgerError):
    """The account holds no wrapped key for the document."""

    code = "not-a-recipient"

    def __init__(self, document: str, account: str, *, detail: str = "") -> None:
        self.document = document
        self.account = account
        why = f" ({detail})" if detail else ""
        super().__init__(
            f"{account} is not a recipient of {document}{why}: ask a recipient to run "
            f"`sanzhi docs share {document} --with {account}`"
        )


class NoEncryptionKey(LedgerError):
    """The party has no standing encryption key on chain."""

    code = "no-encryption-key"

    def __init__(self, party: str, detail: str) -> None:
        self.party = party
        super().__init__(
            f"{party} has no document encryption key on chain ({detail}); it registers one with "
            "`sanzhi docs register-key --as PROFILE`"
        )
