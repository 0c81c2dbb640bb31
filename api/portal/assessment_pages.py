"""The smart-readiness assessment pages: every member's profile as a chart beside the median.

Members share their self-assessments with each other's staff only (encrypted to their keys),
so the pages are for a signed-in member's staff (auth_pages.STAFF_ROLES); anyone else is told
which sign-in is needed. The service reads the answers with its own organisation's customs key (a recipient)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.deps import Context, ServiceContext
from api.keystore import ApiRole
from api.portal.auth_pages import staff_of
from api.portal.config import Portal
from api.portal.i18n import Translator
from api.portal.rendering import PageLanguage, failure_page, message_page, page
from ledger.assessment.chart import radar_svg
from ledger.assessment.compare import compare, pillar_means
from ledger.assessment.errors import AnswersMismatch, NoAssessment
from ledger.assessment.framework import load_framework
from ledger.assessment.reading import MemberRecord, read_all
from ledger.assessment.report import number
from ledger.assessment.words import words
from ledger.errors import InvalidInput, KeyUnavailable, LedgerError
from ledger.ids import member_id_bytes, member_id_text
from ledger.labels import Lang
from ledger.store.blobs import BlobStore

router = APIRouter()
MemberQuery = Annotated[str, Query(alias="with", max_length=32)]


def _records(context: ServiceContext, *, latest_only: bool) -> list[MemberRecord]:
    """Members' submissions (each one's newest only, or all), read with this service's own
    customs key; each submission is decrypted once per service (context.assessment_answers)."""
    client = context.signer(ApiRole.CUSTOMS)
    if client.account is None:
        raise KeyUnavailable("the service's customs profile has no key to read members' answers with")
    return read_all(
        client=client,
        reader=client.account,
        framework=load_framework(),
        blobs=BlobStore.configured(context.settings),
        latest_only=latest_only,
        cache=context.assessment_answers,
    )


@router.get("/assessment", name="portal.assessment", response_class=HTMLResponse)
def members(request: Request, language: PageLanguage, context: Context, config: Portal) -> HTMLResponse:
    staff = staff_of(request, language, config)
    if isinstance(staff, HTMLResponse):
        return staff
    try:
        records = _records(context, latest_only=True)
    except LedgerError as exc:
        return failure_page(request, language, exc)
    framework = load_framework()
    rows = [
        (record, latest, [number(m) for m in pillar_means(latest.answers.levels(), framework)])
        for record in records
        if (latest := record.latest) is not None
    ]
    return page(request, language, "assessment.html", rows=rows, framework=framework, lang=Lang(language.value))


@router.get("/assessment/{member}", name="portal.assessment_member", response_class=HTMLResponse)
def member_profile(
    request: Request, language: PageLanguage, context: Context, config: Portal, member: str, with_: MemberQuery = ""
) -> HTMLResponse:
    staff = staff_of(request, language, config)
    if isinstance(staff, HTMLResponse):
        return staff
    t = Translator(language)
    shown = member if len(member) <= 32 else member[:31] + "…"
    try:
        member_id = member_id_text(member_id_bytes(member))
        other = member_id_text(member_id_bytes(with_)) if with_.strip() else None
    except InvalidInput:
        return message_page(request, language, t("assessment.bad_member", value=shown), status_code=400)
    framework = load_framework()
    lang = Lang(language.value)
    try:
        records = _records(context, latest_only=False)
        comparison = compare(records=records, member=member_id, framework=framework, other=other)
    except NoAssessment as exc:
        return message_page(request, language, t("assessment.none", member=exc.member), status_code=404)
    except AnswersMismatch as exc:
        text = t("assessment.mismatch", member=exc.member, number=exc.number)
        return message_page(request, language, text, status_code=409)
    except LedgerError as exc:
        return failure_page(request, language, exc)
    others = [r.member for r in records if r.latest is not None and r.member != member_id]
    return page(request, language, "assessment_member.html", c=comparison, framework=framework, lang=lang, n=number,
                chart=Markup(radar_svg(comparison, framework, lang)), others=others, w=words(lang))  # fmt: skip
