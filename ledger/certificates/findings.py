"""Why a verification fragment has its status: a code with its values, and the English text.

A fragment's reason is one or more findings. Each has a stable code (the vocabulary below,
shared by the CLI, the API and the portal) and the values it names, already formatted for
people (times in UTC, quantities in the unit). The English text is built here from the code;
other languages translate the code and fill in the same values, so no reader ever parses the
English sentence. Values named `reason` are reason-code slugs (ledger.reasons), values named
`type` document type slugs.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, ConfigDict


class FindingCode(StrEnum):
    # INTEGRITY
    INTEGRITY_AGREES = "integrity-agrees"
    INTEGRITY_AGREES_QUANTITY_HIDDEN = "integrity-agrees-quantity-hidden"
    UNKNOWN_TYPE = "unknown-type"
    TYPE_MISMATCH = "type-mismatch"
    DATA_MALFORMED = "data-malformed"
    FIELD_WITHOUT_SALT = "field-without-salt"
    SALT_WITHOUT_FIELD = "salt-without-field"
    NOT_CANONICAL = "not-canonical"
    HIDDEN_FIELD_HAS_VALUE = "hidden-field-has-value"
    TOO_MANY_HIDDEN = "too-many-hidden"
    DATA_ALTERED = "data-altered"
    NUMBER_NOT_COMMITTED = "number-not-committed"
    NUMBER_MALFORMED = "number-malformed"
    IMPORTING_MEMBER_DIFFERS = "importing-member-differs"
    PROOF_NOT_TO_ROOT = "proof-not-to-root"
    QUANTITY_DIFFERS = "quantity-differs"
    ITEM_MALFORMED = "item-malformed"
    ITEMS_NOT_SUMMABLE = "items-not-summable"
    # not checked, and why
    SKIPPED_INTEGRITY_FAILED = "skipped-integrity-failed"
    SKIPPED_REGISTRY_UNTRUSTED = "skipped-registry-untrusted"
    SKIPPED_NOT_ISSUED = "skipped-not-issued"
    CHAIN_UNREADABLE = "chain-unreadable"
    # ISSUANCE
    NEVER_ISSUED = "never-issued"
    IN_FORCE = "in-force"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    # ISSUER
    NO_TRUST_ANCHOR = "no-trust-anchor"
    REGISTRY_NOT_THE_TRUSTED_ONE = "registry-not-the-trusted-one"
    REGISTRY_NOT_OF_CONSORTIUM = "registry-not-of-consortium"
    REGISTRY_NOT_ACTIVE_AT_ISSUE = "registry-not-active-at-issue"
    ISSUING_COUNTRY_DIFFERS = "issuing-country-differs"
    ISSUER_DIFFERS = "issuer-differs"
    ISSUER_NOT_ACCREDITED = "issuer-not-accredited"
    ISSUER_ACCREDITED = "issuer-accredited"
    ISSUER_ACCREDITED_SINCE_WITHDRAWN = "issuer-accredited-since-withdrawn"
    # EXPIRY
    BATCH_EXPIRED = "batch-expired"
    EXPIRY_NOT_A_DATE = "expiry-not-a-date"
    DOCUMENT_EXPIRED = "document-expired"
    BATCH_VALID_UNTIL = "batch-valid-until"
    NO_BATCH_EXPIRY = "no-batch-expiry"
    DOCUMENT_VALID_UNTIL = "document-valid-until"
    DOCUMENT_EXPIRY_HIDDEN = "document-expiry-hidden"
    DOCUMENT_WITHOUT_EXPIRY = "document-without-expiry"
    # UTILIZATION
    SINGLE_USE_USED = "single-use-used"
    SINGLE_USE_UNUSED = "single-use-unused"
    FULLY_UTILIZED = "fully-utilized"
    QUANTITY_REMAINING = "quantity-remaining"
    UTILIZATION_NOT_RECORDED = "utilization-not-recorded"


F = FindingCode

# The English text of each finding; `{name}` is the value of that name.
ENGLISH: dict[FindingCode, str] = {
    F.INTEGRITY_AGREES: "data, hashes, Merkle proof and quantity agree",
    F.INTEGRITY_AGREES_QUANTITY_HIDDEN: "data, hashes and Merkle proof agree (item quantities hidden, not compared)",
    F.UNKNOWN_TYPE: "unknown document type {type}",
    F.TYPE_MISMATCH: "proof.cert_type does not match the document type",
    F.DATA_MALFORMED: "data is malformed: {detail}",
    F.FIELD_WITHOUT_SALT: "field {field} has no salt",
    F.SALT_WITHOUT_FIELD: "salt for {field} has no field value",
    F.NOT_CANONICAL: "data cannot be canonicalised: {detail}",
    F.HIDDEN_FIELD_HAS_VALUE: "field {field} is listed as hidden but has a value",
    F.TOO_MANY_HIDDEN: "more fields are listed as hidden than there are hidden field hashes",
    F.DATA_ALTERED: "document hash does not match the fields (data was altered)",
    F.NUMBER_NOT_COMMITTED: "{field} {number} is not the number the proof commits to",
    F.NUMBER_MALFORMED: "{field} {number} is not a certificate number: it contains {character} (numbers are "
    "ASCII letters, digits and - / . only)",
    F.IMPORTING_MEMBER_DIFFERS: "{field} {country} differs from the proof's importing member {member}",
    F.PROOF_NOT_TO_ROOT: "Merkle proof does not lead to the root",
    F.QUANTITY_DIFFERS: "proof quantity {quantity} differs from the items' total {total}",
    F.ITEM_MALFORMED: "items.{index} is malformed: {detail}",
    F.ITEMS_NOT_SUMMABLE: "{detail}",
    F.SKIPPED_INTEGRITY_FAILED: "integrity failed",
    F.SKIPPED_REGISTRY_UNTRUSTED: "registry not trusted",
    F.SKIPPED_NOT_ISSUED: "not issued",
    F.CHAIN_UNREADABLE: "{detail}",
    F.NEVER_ISSUED: "root {root} was never issued on this registry",
    F.IN_FORCE: "issued {issued_at}; not revoked or suspended",
    F.SUPERSEDED: "superseded since {since} by certificate {successor} (root {successor_root})",
    F.REVOKED: "revoked ({reason}) since {since}",
    F.SUSPENDED: "suspended ({reason}) since {since}",
    F.NO_TRUST_ANCHOR: "no trust anchor: name the consortium you trust (--trust ADDRESS or SANZHI_TRUST_CONSORTIUM) "
    "or deploy records for this chain",
    F.REGISTRY_NOT_THE_TRUSTED_ONE: "registry {registry} is not the trusted registry {trusted}",
    F.REGISTRY_NOT_OF_CONSORTIUM: "registry {registry} is not a CertificateRegistry the trusted consortium "
    "{consortium} lists",
    F.REGISTRY_NOT_ACTIVE_AT_ISSUE: "batch anchored {issued_at}, when registry {registry} was not the active "
    "CertificateRegistry of consortium {consortium}",
    F.ISSUING_COUNTRY_DIFFERS: "{field} is {country}, but the issuer is accredited by {member}",
    F.ISSUER_DIFFERS: "file names issuer {named}, chain says {recorded}",
    F.ISSUER_NOT_ACCREDITED: "{issuer} was not accredited for {type}",
    F.ISSUER_ACCREDITED: "{issuer} accredited by {member} for {type} at issue",
    F.ISSUER_ACCREDITED_SINCE_WITHDRAWN: "{issuer} accredited by {member} for {type} at issue "
    "(accreditation since withdrawn)",
    F.BATCH_EXPIRED: "batch expired {expired_at}",
    F.EXPIRY_NOT_A_DATE: "expiry date {value} is not a date",
    F.DOCUMENT_EXPIRED: "document expired on {date}",
    F.BATCH_VALID_UNTIL: "batch valid until {expires_at}",
    F.NO_BATCH_EXPIRY: "no batch expiry",
    F.DOCUMENT_VALID_UNTIL: "document valid until {date}",
    F.DOCUMENT_EXPIRY_HIDDEN: "document expiry hidden or absent",
    F.DOCUMENT_WITHOUT_EXPIRY: "the document has no expiry date",
    F.SINGLE_USE_USED: "single-use certificate already used",
    F.SINGLE_USE_UNUSED: "single-use certificate, not used yet",
    F.FULLY_UTILIZED: "fully utilized: {drawn} drawn of {quantity}",
    F.QUANTITY_REMAINING: "remaining {remaining} of {quantity}",
    F.UTILIZATION_NOT_RECORDED: "destined to {country}, a country outside the consortium: no member records its "
    "utilization",
}


class Finding(BaseModel):
    """One finding of a check: its code and the values its text names."""

    model_config = ConfigDict(frozen=True)

    code: FindingCode
    values: dict[str, str] = {}

    def __hash__(self) -> int:  # frozen, but `values` is a dict: hashed by its items
        return hash((self.code, tuple(self.values.items())))

    @property
    def english(self) -> str:
        return ENGLISH[self.code].format_map(self.values)


def finding(code: FindingCode, **values: object) -> Finding:
    return _finding(FindingCode(code), tuple((name, str(value)) for name, value in values.items()))


@lru_cache(maxsize=4096)
def _finding(code: FindingCode, values: tuple[tuple[str, str], ...]) -> Finding:
    """One shared (frozen) Finding per code and values: a batch of one issuance repeats most of
    them. Built without validation: the code is a FindingCode and every value a str."""
    return Finding.model_construct(code=code, values=dict(values))


def english(findings: Sequence[Finding]) -> str:
    """The English reason of a fragment: its findings' texts, joined by "; "."""
    return "; ".join(f.english for f in findings)
