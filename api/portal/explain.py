"""What a verification or a recognition says, in the reader's language.

The library gives each fragment's findings as codes with values (ledger.certificates.findings)
and each failing recognition check as a slug; this module looks them up in the catalogue. A
value named `reason` is a reason-code slug and one named `type` a document type: both are
translated too (an unnamed reason code stays a number).
"""

from __future__ import annotations

from datetime import tzinfo
from enum import StrEnum

from pydantic import BaseModel, Field

from api.portal.i18n import Translator
from api.portal.times import shown_time
from ledger.aeo.models import Recognition
from ledger.certificates.document_view import DocumentView
from ledger.certificates.findings import Finding, FindingCode
from ledger.certificates.trust import TrustAnchor
from ledger.certificates.verification import Fragment, FragmentName, FragmentStatus, Verification
from ledger.consortium.names import AccountName


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNDECIDED = "undecided"


def verdict_of(result: Verification) -> Verdict:
    if result.valid:
        return Verdict.VALID
    return Verdict.INVALID if result.decided else Verdict.UNDECIDED


def finding_text(t: Translator, finding: Finding, signer: AccountName | None = None) -> str:
    """A finding in the reader's language; the signing account by the name its accrediting member
    gave it where the sentence names that member too ("... accredited by CN ...")."""
    values = dict(finding.values)
    if (
        signer is not None
        and signer.name
        and signer.member_id == values.get("member")
        and str(values.get("issuer", "")).lower() == signer.address.lower()
    ):
        values["issuer"] = signer.name
    if "reason" in values:
        values["reason"] = t.get(f"reason.{values['reason']}", values["reason"])
    if "type" in values:  # a document type slug (quoted when unknown: then it stays as it is)
        values["type"] = t.get(f"doc_type.{values['type']}", values["type"])
    return t(f"finding.{finding.code.value}", **values)


def fragment_reason(t: Translator, fragment: Fragment, signer: AccountName | None = None) -> str:
    return t("finding.separator").join(finding_text(t, f, signer) for f in fragment.findings)


def anchor_text(t: Translator, anchor: TrustAnchor | None) -> str | None:
    """What the verdict is anchored to, in the reader's language."""
    if anchor is None:
        return None
    what = anchor.consortium
    if anchor.registry:
        what = t("result.anchor_registry", registry=anchor.registry, consortium=anchor.consortium)
    return t("result.anchor_value", what=what, source=t(f"anchor_source.{anchor.source.name.lower()}"))


class CheckView(BaseModel):
    name: str
    label: str
    status: FragmentStatus
    status_text: str
    reason: str


class VerificationView(BaseModel):
    """A verification as the result page shows it."""

    verdict: Verdict
    type_label: str
    number: str | None
    anchor: str | None
    checks: list[CheckView]
    any_hidden: bool
    document: DocumentView | None
    history_leaf: str | None = Field(description="The certificate id its history page has, when it was issued")


def verification_view(
    t: Translator, result: Verification, *, anchor: TrustAnchor | None, signer: AccountName | None = None
) -> VerificationView:
    issuance = next((f for f in result.fragments if f.name is FragmentName.ISSUANCE), None)
    issued = issuance is not None and issuance.status in {FragmentStatus.VALID, FragmentStatus.INVALID}
    if issuance is not None and any(f.code is FindingCode.NEVER_ISSUED for f in issuance.findings):
        issued = False
    return VerificationView(
        verdict=verdict_of(result),
        type_label=t.get(f"doc_type.{result.type}", result.type),
        number=result.certificate_number,
        anchor=anchor_text(t, anchor),
        checks=[
            CheckView(
                name=f.name.value,
                label=t(f"check.{f.name.value}"),
                status=f.status,
                status_text=t(f"status.{f.status.value}"),
                reason=fragment_reason(t, f, signer),
            )
            for f in result.fragments
        ],
        any_hidden=bool(result.hidden_fields),
        document=result.document,
        history_leaf=result.leaf if issued else None,
    )


class RecognitionView(BaseModel):
    recognized: bool
    summary: str
    reasons: list[str]


def recognition_view(t: Translator, result: Recognition, *, zone: tzinfo) -> RecognitionView:
    cert = result.certification
    tier = t.get(f"tier.{cert.tier_name}", cert.tier_name) if cert else "-"
    reason = t.get(f"reason.{cert.reason_name}", cert.reason_name) if cert else "-"
    values = {
        "certifier": result.certified_by,
        "recogniser": result.recognised_by,
        "at": shown_time(result.at, zone),
        "tier": tier,
        "reason": reason,
    }
    if result.recognized:
        own = result.certified_by == result.recognised_by
        summary = t("recognition.recognised_own" if own else "recognition.recognised_mra", **values)
    else:
        summary = t("recognition.not_recognised_detail", **values)
    return RecognitionView(
        recognized=result.recognized,
        summary=summary,
        reasons=[t(f"recognition.reason.{slug}", **values) for slug in result.reasons],
    )
