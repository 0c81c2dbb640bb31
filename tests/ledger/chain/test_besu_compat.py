"""What Besu QBFT networks send that anvil does not: long PoA extraData, gas price 0."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from ledger.chain.artifacts import DEFAULT_ARTIFACTS_DIR, Artifacts
from ledger.chain.client import LedgerClient
from tests.support import http_server

QBFT_EXTRA_DATA = "0x" + "f8" * 97  # RLP of vanity, validators, votes, round, seals: > 32 bytes


def _block(number: int) -> dict[str, Any]:
    zero32 = "0x" + "00" * 32
    return {
        "number": hex(number),
        "hash": "0x" + f"{number:064x}",
        "parentHash": zero32,
        "nonce": "0x0000000000000000",
        "sha3Uncles": zero32,
        "logsBloom": "0x" + "00" * 256,
        "transactionsRoot": zero32,
        "stateRoot": zero32,
        "receiptsRoot": zero32,
        "miner": "0x" + "00" * 20,
        "difficulty": "0x1",
        "totalDifficulty": "0x1",
        "extraData": QBFT_EXTRA_DATA,
        "size": "0x100",
        "gasLimit": "0x1c9c380",
        "gasUsed": "0x0",
        "timestamp": "0x6553f100",
        "transactions": [],
        "uncles": [],
        "baseFeePerGas": "0x0",
        "mixHash": zero32,
    }


class _FakeBesu(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        results = {"eth_chainId": "0x539", "eth_gasPrice": "0x0", "eth_blockNumber": "0x2a"}
        method = request["method"]
        result = _block(42) if method == "eth_getBlockByNumber" else results.get(method)
        body = json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture
def fake_besu() -> Iterator[str]:
    with http_server(_FakeBesu) as url:
        yield url


def test_blocks_with_qbft_extra_data_are_read(fake_besu: str) -> None:
    client = LedgerClient(rpc_url=fake_besu, artifacts=Artifacts(DEFAULT_ARTIFACTS_DIR))
    assert client.chain_id == 1337
    block = client.w3.eth.get_block("latest")
    assert block["number"] == 42
    assert len(block["proofOfAuthorityData"]) == 97
    assert client.w3.eth.gas_price == 0
