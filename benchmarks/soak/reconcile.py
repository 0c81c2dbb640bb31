"""The soak's reckoning, from what the chain and the index hold (not from the clients' view):

- every acknowledged write is on chain exactly once: its transaction carries the event it
  should (else lost), and no other transaction carries that event for the same write (its
  naming argument: a batch's root, a declaration, an evidence entry's hash; else duplicated);
- the same in the index;
- every drawn quantity adds up: per certificate number, the draws on chain sum to its total
  less what the last one left, never above the total, and what clients were told was drawn is
  never more than the chain has;
- every webhook the index says a subscriber should get arrived (else lost); one id received
  twice is a repeated delivery (webhooks are delivered at least once, receivers deduplicate by
  id), counted apart, not a duplicated write; an id no indexed event explains is `unexpected`;
- an HTTP 5xx counts unless it answered within the restart of a killed worker (connections cut
  and errors while it died and another started), or was a 503 naming the node unreachable within
  the node's own restart: the service then says truthfully that it cannot reach the chain.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from benchmarks.soak.chaos import Kill
from benchmarks.soak.journal import Outcome, Record

RESTART_GRACE_SECONDS = 2.0  # requests already in flight when a part came back
NODE_DOWN_CODE = "node-not-running"
SHOWN = 20  # details listed per kind
UTILIZED = "CertificateUtilized"
# requests' exceptions when no answer came (the connection refused, cut or timed out)
CONNECTION_FAILURES = ("ConnectionError", "Timeout", "EncodingError")


class ChainLog(BaseModel):
    """One decoded event, from the chain or the index (bytes as 0x-hex)."""

    tx: str
    event: str
    args: dict[str, Any]
    block: int
    log_index: int


class WriteFindings(BaseModel):
    acknowledged: int = 0
    lost_on_chain: int = 0
    lost_in_index: int = 0
    duplicated_on_chain: int = 0
    duplicated_in_index: int = 0
    details: list[str] = []


class QuantityFindings(BaseModel):
    numbers: int = 0
    draws_on_chain: int = 0
    mismatches: int = 0
    details: list[str] = []


class DeliveryFindings(BaseModel):
    expected: int
    received_unique: int
    missing: int
    repeated_deliveries: int
    unexpected: int
    # the first unexpected ids with the transaction their body named, and whether the chain has it
    unexpected_details: list[str] = []


class ErrorFindings(BaseModel):
    http_5xx: int = 0
    http_5xx_excused: int = 0  # within a killed part's restart, as the module says
    connection_errors: int = 0
    details: list[str] = []


def _norm(value: Any) -> Any:
    """A decoded argument as a hashable, case-blind value (lists as JSON text)."""
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, list | dict):
        return json.dumps(value, sort_keys=True).lower()
    return value


def acknowledged_writes(records: Iterable[Record]) -> list[Record]:
    """Each acknowledged write once (one transaction and event may be journalled once only)."""
    seen: dict[tuple[str, str], Record] = {}
    for record in records:
        if record.outcome is Outcome.ACKNOWLEDGED and record.tx and record.event:
            seen.setdefault((record.tx.lower(), record.event), record)
    return list(seen.values())


def _findings(acks: list[Record], logs: list[ChainLog], where: str) -> tuple[int, int, list[str]]:
    by_tx: dict[str, list[ChainLog]] = defaultdict(list)
    holders: dict[tuple[str, str, Any], set[str]] = defaultdict(set)
    positions: dict[tuple[str, int], int] = defaultdict(int)
    for log in logs:
        by_tx[log.tx.lower()].append(log)
        positions[(log.tx.lower(), log.log_index)] += 1
        for name, value in log.args.items():
            holders[(log.event, name, _norm(value))].add(log.tx.lower())
    lost = duplicated = 0
    details: list[str] = []
    for ack in acks:
        assert ack.tx is not None
        mine = [log for log in by_tx.get(ack.tx.lower(), []) if log.event == ack.event]
        if not mine:
            lost += 1
            details.append(f"{ack.op} {ack.tx}: no {ack.event} {where}")
            continue
        twice = any(positions[(ack.tx.lower(), log.log_index)] > 1 for log in mine)
        if ack.key_arg is not None:
            others = set().union(*(holders[(ack.event or "", ack.key_arg, _norm(log.args.get(ack.key_arg)))]
                                   for log in mine))  # fmt: skip
            twice = twice or len(others) > 1
        if twice:
            duplicated += 1
            details.append(f"{ack.op} {ack.tx}: its {ack.event} {where} more than once")
    return lost, duplicated, details


def reconcile_writes(records: Iterable[Record], chain: list[ChainLog], index: list[ChainLog]) -> WriteFindings:
    """Each acknowledged write against the chain's logs and the index's rows."""
    acks = acknowledged_writes(records)
    lost_chain, dup_chain, chain_details = _findings(acks, chain, "on chain")
    lost_index, dup_index, index_details = _findings(acks, index, "in the index")
    return WriteFindings(acknowledged=len(acks), lost_on_chain=lost_chain, lost_in_index=lost_index,
                         duplicated_on_chain=dup_chain, duplicated_in_index=dup_index,
                         details=(chain_details + index_details)[:SHOWN])  # fmt: skip


def reconcile_quantities(records: Iterable[Record], chain: list[ChainLog]) -> QuantityFindings:
    """Per certificate number: the chain's draws add up, and clients were told no more than that."""
    draws: dict[str, list[ChainLog]] = defaultdict(list)
    for log in chain:
        if log.event == UTILIZED:
            draws[str(log.args["numberKey"]).lower()].append(log)
    told: dict[str, int] = defaultdict(int)
    for ack in acknowledged_writes(records):
        if ack.event == UTILIZED and ack.number_key is not None and ack.amount is not None:
            told[ack.number_key.lower()] += ack.amount
    findings = QuantityFindings(numbers=len(draws), draws_on_chain=sum(len(d) for d in draws.values()))
    for number, logs in draws.items():
        logs.sort(key=lambda log: (log.block, log.log_index))
        total = int(logs[0].args["amount"]) + int(logs[0].args["remaining"])
        drawn = 0
        for log in logs:
            drawn += int(log.args["amount"])
            if total and drawn + int(log.args["remaining"]) != total:
                findings.details.append(f"{number}: drawn {drawn} and {log.args['remaining']} left of {total}")
                findings.mismatches += 1
                break
        if total and drawn > total:
            findings.details.append(f"{number}: drawn {drawn}, above its total {total}")
            findings.mismatches += 1
    for number, amount in told.items():
        on_chain = sum(int(log.args["amount"]) for log in draws.get(number, []))
        if amount > on_chain:
            findings.details.append(f"{number}: clients were told {amount} was drawn, the chain has {on_chain}")
            findings.mismatches += 1
    findings.details = findings.details[:SHOWN]
    return findings


def reconcile_deliveries(
    expected: set[str],
    received: list[str],
    *,
    transactions: dict[str, str] | None = None,
    on_chain: Iterable[ChainLog] = (),
) -> DeliveryFindings:
    """`received`: the ids as they arrived; `transactions`: the transaction each id's body named."""
    unique = set(received)
    blocks = {log.tx.lower(): log.block for log in on_chain}
    details = []
    for odd in sorted(unique - expected)[:SHOWN]:
        tx = (transactions or {}).get(odd, "")
        where = f"on chain in block {blocks[tx.lower()]}" if tx.lower() in blocks else "not on chain"
        details.append(f"{odd}: transaction {tx or 'unknown'}, {where}")
    return DeliveryFindings(expected=len(expected), received_unique=len(unique & expected),
                            missing=len(expected - unique), repeated_deliveries=len(received) - len(unique),
                            unexpected=len(unique - expected), unexpected_details=details)  # fmt: skip


def _within(at: float, kills: Iterable[Kill]) -> bool:
    return any(k.at <= at <= (k.recovered_at or float("inf")) + RESTART_GRACE_SECONDS for k in kills)


def reconcile_errors(records: Iterable[Record], kills: list[Kill]) -> ErrorFindings:
    """5xx answers, less those a part's own restart explains (see the module's doc)."""
    workers = [k for k in kills if k.part == "worker"]
    nodes = [k for k in kills if k.part == "node"]
    findings = ErrorFindings()
    for record in records:
        if record.outcome is not Outcome.FAILED:
            continue
        if record.status is None:
            if (record.code or "").endswith(CONNECTION_FAILURES):
                findings.connection_errors += 1
            continue
        if record.status < 500:
            continue
        node_down = record.status == 503 and NODE_DOWN_CODE in (record.code or "")
        if _within(record.at, workers) or (node_down and _within(record.at, nodes)):
            findings.http_5xx_excused += 1
        else:
            findings.http_5xx += 1
            findings.details.append(f"{record.client} {record.op}: {record.status} {record.code or ''}".strip())
    findings.details = findings.details[:SHOWN]
    return findings
