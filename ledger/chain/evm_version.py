"""The EVM version the compiled contracts need: the fork a chain must run, for any node."""

from __future__ import annotations

from ledger.chain.artifacts import Artifacts
from ledger.chain.deploy import CONTRACTS
from ledger.errors import LedgerError

# solc's --evm-version names, oldest first
EVM_VERSIONS: tuple[str, ...] = (
    "homestead",
    "tangerineWhistle",
    "spuriousDragon",
    "byzantium",
    "constantinople",
    "petersburg",
    "istanbul",
    "berlin",
    "london",
    "paris",
    "shanghai",
    "cancun",
    "prague",
    "osaka",
)


class UnknownEvmVersion(LedgerError):
    code = "unknown-evm-version"

    def __init__(self, version: str | None) -> None:
        self.version = version
        shown = repr(version) if version else "no EVM version"
        super().__init__(
            f"the compiled contracts name {shown}; rebuild them (`make build`) so their EVM version is known"
        )


def compiled_evm_version(artifacts: Artifacts) -> str:
    """The newest EVM version among the compiled deployable contracts: what the chain must run.

    Read from the compiled artifacts shipped with the package, never from the source tree.
    """
    versions = [artifacts.get(c.name).evm_version for c in CONTRACTS if artifacts.has(c.name)]
    unknown = [v for v in versions if v not in EVM_VERSIONS]
    if not versions or unknown:
        raise UnknownEvmVersion(unknown[0] if unknown else None)
    return max((v for v in versions if v is not None), key=EVM_VERSIONS.index)
