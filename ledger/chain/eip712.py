"""EIP-712 pieces shared by every quorum-signed submission (AEO changes, customs decisions):
the domain separator of a contract, the digest, and the signature OracleQuorum expects."""

from __future__ import annotations

from eth_abi.abi import encode as abi_encode
from eth_account.signers.local import LocalAccount
from eth_keys.datatypes import Signature
from eth_keys.exceptions import BadSignature
from eth_typing import Hash32
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from eth_utils.exceptions import ValidationError

from ledger.errors import InvalidInput

EIP712_DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"


def domain_separator(*, name: str, version: str, chain_id: int, verifying_contract: str) -> bytes:
    return keccak(
        abi_encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [
                keccak(text=EIP712_DOMAIN_TYPE),
                keccak(text=name),
                keccak(text=version),
                chain_id,
                to_checksum_address(verifying_contract),
            ],
        )
    )


def typed_digest(separator: bytes, struct_hash: bytes) -> bytes:
    """keccak256("\\x19\\x01" || domainSeparator || hashStruct(message))."""
    return keccak(b"\x19\x01" + separator + struct_hash)


def sign_digest(account: LocalAccount, digest: bytes) -> bytes:
    """A 65-byte `r || s || v` signature (v 27/28, low s) as OracleQuorum expects."""
    signed = account.unsafe_sign_hash(Hash32(digest))
    return signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big") + bytes([signed.v])


def recover_signer(digest: bytes, signature: bytes) -> str:
    """The checksummed address whose key made the 65-byte `signature` (r, s, v with v 27 or 28,
    as sign_digest and the contracts' ECDSA take it) of the 32-byte `digest`."""
    if len(signature) != 65 or signature[64] not in (27, 28):
        raise InvalidInput(f"a signature is 65 bytes ending in v 27 or 28, not {signature.hex()!r}")
    try:
        key = Signature(signature[:64] + bytes([signature[64] - 27])).recover_public_key_from_msg_hash(digest)
    except (BadSignature, ValidationError) as exc:
        raise InvalidInput(f"signature {signature.hex()} recovers no key: {exc}") from exc
    return str(to_checksum_address(key.to_canonical_address()))
