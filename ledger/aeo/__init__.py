"""AEO certifications, MRAs and recognition on AeoRegistry (bindings, models, EIP-712)."""

from ledger.aeo.mra import MraBinding
from ledger.aeo.recognition import recognized
from ledger.aeo.registry import AeoRegistryBinding

__all__ = ["AeoRegistryBinding", "MraBinding", "recognized"]
