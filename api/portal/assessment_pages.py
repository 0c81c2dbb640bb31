"""The smart-readiness assessment pages: every member's profile as a chart beside the median.

Members share their self-assessments with each other's staff only (encrypted to their keys),
so the pages are for a signed-in member's staff; an anonymous visitor or a trade party is told
to sign in. The service reads the answers with its own organisation's customs key (a recipient)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.deps import Context, ServiceContext
from api.keystore import ApiRole
from api.portal.auth_pages import COOKIE, TRADER_ROLE, signed_in
from api.portal.config import Portal, PortalConfig, Principal
from api.portal.i18n import Language, Translator
from api.portal.rendering import PageLanguage, failure_page, link, message_page, page
from ledger.assessment.chart import radar_svg
from ledger.assessment.compare import compare
from ledger.assessment.errors import AnswersMismatch, NoAssessment
from ledger.assessment.framework import load_framework
from ledger.assessment.report import number
from ledger.assessment.service import MemberRecord, read_all
from ledger.errors import InvalidInput, KeyUnavailable, LedgerError
from ledger.ids import member_id_bytes, member_id_text
from ledger.labels import Lang
from ledger.store.blobs import BlobStore

router = APIRouter()
MemberQuery = Annotated[str, Query(alias="with", max_length=32)]


def _staff(request: Request, language: Language, config: PortalConfig) -> Principal | HTMLResponse:
    """The signed-in member staff, or the page saying a sign-in is needed."""
    t = Translator(language)
    principal = signed_in(request, config)
    if principal is not None and principal.role != TRADER_ROLE:
        return principal
    if principal is None:
        message, status = t("assessment.needed_signed_out"), 401
        if COOKIE in request.cookies:
            message = f"{t('login.expired')} {message}"
    else:
        message, status = t("assessment.needed_staff"), 403
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return page(request, language, "party_needed.html", status_code=status, message=message,
                login=link(request, language, "portal.login", next=target))  # fmt: skip


def _records(context: ServiceContext) -> list[MemberRecord]:
    """Every member's submissions, read with this service's own customs key."""
    client = context.signer(ApiRole.CUSTOMS)
    if client.account is None:
        raise KeyUnavailable("the service's customs profile has no key to read members' answers with")
    return read_all(
        client=client, reader=client.account, framework=load_framework(), blobs=BlobStore.configured(context.settings)
    )


@router.get("/assessment", name="portal.assessment", response_class=HTMLResponse)
def members(request: Request, language: PageLanguage, context: Context, config: Portal) -> HTMLResponse:
    staff = _staff(request, language, config)
    if isinstance(staff, HTMLResponse):
        return staff
    try:
        records = _records(context)
    except LedgerError as exc:
        return failure_page(request, language, exc)
    framework = load_framework()
    rows = []
    for record in records:
        latest = record.latest
        if latest is None:
            continue
        levels = latest.answers.levels()
        means = [
            number(sum(levels[i.id] for i in framework.of_pillar(p.id)) / len(framework.of_pillar(p.id)))
            for p in framework.pillars
        ]
        rows.append((record, latest, means))
    return page(request, language, "assessment.html", rows=rows, framework=framework, lang=Lang(language.value))


@router.get("/assessment/{member}", name="portal.assessment_member", response_class=HTMLResponse)
def member_profile(
    request: Request, language: PageLanguage, context: Context, config: Portal, member: str, with_: MemberQuery = ""
) -> HTMLResponse:
    staff = _staff(request, language, config)
    if isinstance(staff, HTMLResponse):
        return staff
    t = Translator(language)
    shown = member if len(member) <= 32 else member[:31] + "…"
    try:
        member_id = member_id_text(member_id_bytes(member.strip().upper()))
        other = member_id_text(member_id_bytes(with_.strip().upper())) if with_.strip() else None
    except InvalidInput:
        return message_page(request, language, t("assessment.bad_member", value=shown), status_code=400)
    framework = load_framework()
    lang = Lang(language.value)
    try:
        records = _records(context)
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
                chart=Markup(radar_svg(comparison, framework, lang)), others=others)  # fmt: skip
