"""AEO recognition lookup: is operator X, certified by A, recognised by B at time t?

A GET form, so a lookup can be bookmarked and needs no JavaScript; the answer is the library's
`recognized` (the contract's own view, with every failing check spelled out).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import Context
from api.portal.explain import recognition_view
from api.portal.i18n import Translator
from api.portal.rendering import PageLanguage, page
from api.portal.times import TZ_COOKIE, reader_zone
from ledger.aeo import recognized
from ledger.errors import InvalidInput, LedgerError, UnknownMember
from ledger.timestamps import parse_time

router = APIRouter()

FormValue = Annotated[str, Query()]
_MEMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")  # as ledger.ids reads a member id
MAX_FIELD = 200  # checked here, so that a long value gets this page, not FastAPI's JSON error


@router.get("/recognition", name="portal.recognition", response_class=HTMLResponse)
def recognition(
    request: Request,
    language: PageLanguage,
    context: Context,
    operator: FormValue = "",
    certified_by: FormValue = "",
    recognised_by: FormValue = "",
    at: FormValue = "",
) -> HTMLResponse:
    t = Translator(language)
    form = {"operator": operator, "certified_by": certified_by, "recognised_by": recognised_by, "at": at}
    if not any(value.strip() for value in form.values()):
        return page(request, language, "recognition.html", form=form, error=None, result=None, raw=None)
    error, status = None, 200
    view = raw = None
    too_long = [name for name, value in form.items() if len(value) > MAX_FIELD]
    if too_long:
        field = t(f"recognition_field.{too_long[0]}")
        error, status = t("recognition_error.too_long", field=field, limit=MAX_FIELD), 400
        form = {name: value[:MAX_FIELD] for name, value in form.items()}
    elif not (operator.strip() and certified_by.strip() and recognised_by.strip()):
        error, status = t("recognition.missing"), 400
    else:
        try:
            raw = recognized(
                client=context.client,
                operator=operator,
                certified_by=certified_by,
                recognised_by=recognised_by,
                at=parse_time(at, path="at") if at.strip() else None,
            )
            view = recognition_view(t, raw, zone=reader_zone(request.cookies.get(TZ_COOKIE)))
        except InvalidInput as exc:
            error, status = _bad_input(t, exc, form), 400
        except LedgerError:
            error, status = t("recognition_error.unavailable"), 503
    return page(request, language, "recognition.html", status_code=status, form=form, error=error, result=view, raw=raw)


def _bad_input(t: Translator, exc: InvalidInput, form: dict[str, str]) -> str:
    """The reader's language for what the library refused (its message is English)."""
    if isinstance(exc, UnknownMember):
        return t("recognition_error.unknown_member", member=exc.member_id)
    if exc.path == "operator":
        return t("recognition_error.operator", value=form["operator"].strip())
    if exc.path == "at":
        return t("recognition_error.at", value=form["at"].strip())
    if exc.path == "member":  # either member field: the one that is not a member code
        bad = next(
            (v for v in (form["certified_by"], form["recognised_by"]) if not _MEMBER.match(v.strip().upper())), ""
        )
        return t("recognition_error.member", value=bad.strip())
    return t("recognition_error.other")
