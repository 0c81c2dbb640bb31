"""AEO recognition lookup: is operator X, certified by A, recognised by B at time t?

A GET form, so a lookup can be bookmarked and needs no JavaScript; the answer is the library's
`recognized` (the contract's own view, with every failing check spelled out).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import Context
from api.portal.explain import recognition_view
from api.portal.i18n import Translator
from api.portal.rendering import PageLanguage, page
from ledger.aeo import recognized
from ledger.errors import InvalidInput, LedgerError
from ledger.timestamps import iso, parse_time

router = APIRouter()

Field = Annotated[str, Query(max_length=200)]


@router.get("/recognition", name="portal.recognition", response_class=HTMLResponse)
def recognition(
    request: Request,
    language: PageLanguage,
    context: Context,
    operator: Field = "",
    certified_by: Field = "",
    recognised_by: Field = "",
    at: Field = "",
) -> HTMLResponse:
    t = Translator(language)
    form = {"operator": operator, "certified_by": certified_by, "recognised_by": recognised_by, "at": at}
    if not any(value.strip() for value in form.values()):
        return page(request, language, "recognition.html", form=form, error=None, result=None, raw=None)
    error, status = None, 200
    view = raw = None
    if not (operator.strip() and certified_by.strip() and recognised_by.strip()):
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
            view = recognition_view(t, raw)
        except InvalidInput as exc:
            error, status = t("error.bad_input", detail=exc.message), 400
        except LedgerError as exc:
            error, status = t("error.unavailable", detail=exc.message), 503
    return page(
        request, language, "recognition.html", status_code=status, form=form, error=error, result=view, raw=raw, iso=iso
    )
