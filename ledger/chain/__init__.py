"""Talking to the chain: the JSON-RPC client, the ABI codec, nonces, deployment records."""
