"""A completed issuance run again: the same documents, whose wrapped files are in place and whose
roots the chain holds, are said to be issued already (nothing is sent, nothing rewritten)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ledger.certificates.registry import CertificateRegistryBinding, IssuedBatch
from ledger.certificates.wrapped import WrappedCertificate, check_integrity, read_wrapped
from ledger.documents import parse_document, to_json_data
from ledger.errors import LedgerError


def already_issued(
    *, registry: CertificateRegistryBinding, doc_type: str, files: Sequence[Path], out_dir: Path
) -> list[IssuedBatch] | None:
    """The batches of an earlier, completed run over exactly these documents into `out_dir`, or
    None when this is not one (a document is new or changed, a wrapped file is missing, altered
    or of another registry or chain, or a root is not on chain): then issuance goes on and its
    own checks (such as numbers issued before) decide."""
    wrapped = _wrapped_copies(registry, doc_type, files, out_dir)
    if wrapped is None:
        return None
    roots: dict[str, list[WrappedCertificate]] = {}
    for certificate in wrapped:
        roots.setdefault(certificate.proof.root, []).append(certificate)
    issued = registry.issuing_transactions(list(roots), doc_type)
    if set(issued) != set(roots):
        return None
    return [
        IssuedBatch(
            root=root,
            count=len(certificates),
            destination=certificates[0].proof.importing_member,
            tx_hash=issued[root][1],
            block_number=issued[root][0],
            already_anchored=True,
        )
        for root, certificates in sorted(roots.items(), key=lambda item: issued[item[0]])
    ]


def _wrapped_copies(
    registry: CertificateRegistryBinding, doc_type: str, files: Sequence[Path], out_dir: Path
) -> list[WrappedCertificate] | None:
    """The wrapped file of each document, when each is in `out_dir`, whole, of this registry and
    chain, and carries exactly the document's fields."""
    try:  # one listing, not a look-up per file: a first run into a fresh directory pays nothing
        present = set(os.listdir(out_dir))
    except OSError:
        return None
    if not all(path.name in present for path in files):
        return None
    found = []
    try:
        for path in files:
            certificate = read_wrapped(out_dir / path.name)
            proof = certificate.proof
            if (
                certificate.type != doc_type
                or certificate.hidden
                or proof.registry.lower() != registry.contract.address.lower()
                or proof.chain_id != registry.client.chain_id
                or certificate.data != to_json_data(parse_document(doc_type, path.read_bytes(), source=path.name))
                or not check_integrity(certificate).valid
            ):
                return None
            found.append(certificate)
    except (LedgerError, OSError):
        return None  # the issuance itself reads them again and says what is wrong
    return found
