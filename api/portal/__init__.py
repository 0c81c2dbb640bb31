"""The web portal (Chinese and English): verify a certificate, AEO recognition, a certificate's
history, and the auditors' search. `router` is included by the service; `portal_app` builds an
app of the portal alone (tests, or a verify-only deployment)."""

from api.portal.app import portal_app, router

__all__ = ["portal_app", "router"]
