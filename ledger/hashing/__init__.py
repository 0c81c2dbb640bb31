"""Hashing: keccak256, canonical JSON (RFC 8785), salted field hashes, Merkle trees."""
