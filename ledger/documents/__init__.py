"""Typed trade documents (certificate of origin, phytosanitary certificate) and their registry."""

from ledger.documents.certificate_of_origin import CertificateOfOrigin, TradeAgreement
from ledger.documents.common import Document
from ledger.documents.phytosanitary import PhytosanitaryCertificate
from ledger.documents.registry import (
    DOCUMENT_TYPES,
    document_model,
    parse_document,
    to_json_data,
)

__all__ = [
    "DOCUMENT_TYPES",
    "CertificateOfOrigin",
    "Document",
    "PhytosanitaryCertificate",
    "TradeAgreement",
    "document_model",
    "parse_document",
    "to_json_data",
]
