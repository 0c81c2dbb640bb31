"""The start page (a form to upload a certificate) and the verdict page it posts to.

The form is a plain multipart POST, so the verdict needs no JavaScript; portal.js only adds
dropping a file on the form. Verification is the library's, exactly as `sanzhi cert verify`
runs it, trusting the service's anchor (its configured consortium, else its deployment record's),
the same the API's verify route trusts.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from api.deps import Context, ServiceContext
from api.portal.config import Portal
from api.portal.errors import PortalError, size_text
from api.portal.explain import verification_view
from api.portal.i18n import Translator
from api.portal.rendering import PageLanguage, error_page, message_page, page
from api.portal.upload import read_upload
from ledger.certificates.verification import verify_certificates
from ledger.certificates.wrapped import loads_wrapped
from ledger.consortium.names import AccountName, Names, unknown
from ledger.documents.countries import country_name
from ledger.errors import InvalidInput, LedgerError, NotIssued

router = APIRouter()


@router.get("/", name="portal.home", response_class=HTMLResponse)
def home(request: Request, language: PageLanguage, config: Portal) -> HTMLResponse:
    return page(request, language, "verify.html", limit=size_text(config.max_upload_bytes))


@router.post("/verify", name="portal.verify", response_class=HTMLResponse)
async def verify(request: Request, language: PageLanguage, context: Context, config: Portal) -> HTMLResponse:
    t = Translator(language)
    try:
        upload = await read_upload(request, limit=config.max_upload_bytes)
        certificate = loads_wrapped(upload.content, source=upload.name)
    except PortalError as exc:
        return error_page(request, language, exc)
    except NotIssued as exc:
        kind = t.get(f"doc_type.{exc.doc_type}", exc.doc_type)
        return message_page(request, language, t("document.not_issued", file=upload.name, type=kind), status_code=400)
    except InvalidInput as exc:
        return message_page(request, language, t("error.not_certificate", detail=exc.message), status_code=400)
    try:
        anchor = await context.resolved_trust_anchor()
        # blocking JSON-RPC calls: off the event loop
        [result] = await run_in_threadpool(
            verify_certificates, client=context.client, certificates=[certificate], anchor=anchor
        )
    except LedgerError as exc:
        return message_page(request, language, t("error.unavailable", detail=exc.message), status_code=503)
    issuer = await run_in_threadpool(issuer_name, context, certificate.issuer.address)
    return page(
        request,
        language,
        "result.html",
        view=verification_view(t, result, anchor=anchor, signer=issuer),
        issuer=issuer,
        file_name=upload.name,
        country_name=lambda code: country_name(code, language.value),
    )


def issuer_name(context: ServiceContext, address: str) -> AccountName:
    """What the consortium calls the account that signed the certificate's batch: its name is
    shown only with the member that accredits it (an unnamed account is shown by its address)."""
    try:
        return Names.load(client=context.client).account(address)
    except LedgerError:  # the names are a courtesy: the verdict stands without them
        return unknown(address)
