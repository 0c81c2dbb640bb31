"""keccak256, fast: the hot loop of wrapping hashes hundreds of thousands of short strings.

eth-hash's pycryptodome backend allocates a hash object per call (about 4.5 us on the ctypes
backend). Here one Keccak state per thread, from the same pycryptodome shared library, is
absorbed, squeezed and reset (about 1.5 us). If that library cannot be loaded, or disagrees with
eth-hash on a known vector, eth-hash's keccak is used instead.
"""

from __future__ import annotations

import ctypes
import importlib.util
import threading
from collections.abc import Callable

from eth_hash.auto import keccak as _eth_keccak

_EMPTY_DIGEST = bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
_KECCAK_PADDING = 1
_SIZE_CACHE = 4096


def _slow_keccak256(data: bytes) -> bytes:
    return bytes(_eth_keccak(data))


def _load_fast() -> Callable[[bytes], bytes] | None:
    spec = importlib.util.find_spec("Crypto.Hash._keccak")
    if spec is None or spec.origin is None:
        return None
    lib = ctypes.CDLL(spec.origin)
    init, absorb, digest, reset = (
        lib.keccak_init,
        lib.keccak_absorb,
        lib.keccak_digest,
        lib.keccak_reset,
    )
    sizes = [ctypes.c_size_t(n) for n in range(_SIZE_CACHE)]
    digest_size = ctypes.c_size_t(32)
    padding = ctypes.c_ubyte(_KECCAK_PADDING)
    local = threading.local()

    def new_state() -> tuple[ctypes.c_void_p, ctypes.Array[ctypes.c_char]]:
        # capacity 512 bits, 24 rounds: Keccak-256 (the state is kept for the thread's life)
        state = ctypes.c_void_p()
        if init(ctypes.byref(state), ctypes.c_size_t(64), ctypes.c_ubyte(24)):
            raise MemoryError("keccak_init failed")
        return ctypes.c_void_p(state.value), ctypes.create_string_buffer(32)

    def keccak256(data: bytes) -> bytes:
        try:
            state, out = local.state
        except AttributeError:
            local.state = state, out = new_state()
        n = len(data)
        absorb(state, data, sizes[n] if n < _SIZE_CACHE else ctypes.c_size_t(n))
        digest(state, out, digest_size, padding)
        reset(state)
        digest_bytes: bytes = out.raw
        return digest_bytes

    return keccak256


def _select() -> Callable[[bytes], bytes]:
    try:
        fast = _load_fast()
    except (OSError, AttributeError):
        return _slow_keccak256
    if fast is None or fast(b"") != _EMPTY_DIGEST or fast(b"abc") != _slow_keccak256(b"abc"):
        return _slow_keccak256
    return fast


keccak256: Callable[[bytes], bytes] = _select()
"""keccak256 of `data` (Ethereum's hash, not NIST SHA3-256)."""
