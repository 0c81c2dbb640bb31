"""Which oracles signed a quorum submission: recovered from the transaction's `signatures`
argument and the digest its OracleNonceUsed event names.

The event says who submitted and what digest was signed, not by whom; an auditor asks "who
changed this operator's status", so the signers are read back the way the contract checked
them (each signature over the EIP-712 digest recovers to one oracle).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from eth_abi.abi import decode as abi_decode
from eth_abi.exceptions import DecodingError
from eth_utils.crypto import keccak

from ledger.chain.artifacts import Artifacts
from ledger.chain.codec import abi_type, signature
from ledger.chain.eip712 import recover_signer
from ledger.index.catalogue import contract_kind

SIGNATURES_ARG = "signatures"


@dataclass(frozen=True)
class _Submission:
    input_types: list[str]
    position: int  # of the signatures argument


class SignerReader:
    """Recovers quorum signers from transactions to the deployed contracts."""

    def __init__(self, artifacts: Artifacts, contracts: Mapping[str, str]) -> None:
        # (address, selector) -> how to find the signatures in that function's call data
        self._submissions: dict[tuple[str, bytes], _Submission] = {}
        for name, address in contracts.items():
            for item in artifacts.get(contract_kind(name)).abi:
                if item.get("type") != "function":
                    continue
                names = [p.get("name") for p in item.get("inputs", [])]
                if SIGNATURES_ARG in names:
                    selector = keccak(text=signature(item))[:4]
                    types = [abi_type(p) for p in item["inputs"]]
                    self._submissions[(address.lower(), selector)] = _Submission(types, names.index(SIGNATURES_ARG))

    def signers(self, *, to: str | None, call_data: bytes, digest: bytes) -> list[str] | None:
        """The checksummed signers, in the order signed; None when the transaction is not a
        direct call of a submission function (a contract in between: the input is not ours)."""
        if to is None:
            return None
        submission = self._submissions.get((to.lower(), call_data[:4]))
        if submission is None:
            return None
        try:
            values = abi_decode(submission.input_types, call_data[4:])
        except DecodingError:
            return None
        return [recover_signer(digest, bytes(sig)) for sig in values[submission.position]]
