"""AlertRegistry through a LedgerClient: publish, extend and withdraw alerts, read them all."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from eth_utils.address import to_checksum_address

from ledger.alerts.errors import AlertNotFound, NotAlertOwner, readable_errors
from ledger.alerts.models import Alert, AlertScope, Extension, Severity, aware
from ledger.chain.client import LedgerClient, SentTransaction
from ledger.chain.contract import BoundCall, ContractBinding
from ledger.chain.reads import batch_call, latest_timestamp, view_result
from ledger.consortium.binding import ConsortiumBinding
from ledger.consortium.versions import active_version, listed_versions
from ledger.errors import ContractRevert, InvalidInput, TransactionFailed
from ledger.ids import member_id_bytes, member_id_text
from ledger.store.cid import ContentId, shown_cid
from ledger.store.registry import DocumentRegistryBinding
from ledger.timestamps import from_unix, iso, to_unix

CONTRACT = "AlertRegistry"
MAX_HORIZON_DAYS = 366  # the contract's MAX_HORIZON
MAX_PAGE = 256  # the contract's MAX_PAGE: ids per alertIds call
ZERO32 = b"\0" * 32


def scope_args(scope: AlertScope) -> tuple[Any, ...]:
    """The contract's Scope tuple of a scope."""
    return (
        [h.encode("ascii").ljust(6, b"\0") for h in scope.hs],
        [member_id_bytes(m) for m in scope.origins],
        [member_id_bytes(m) for m in scope.destinations],
        bytes.fromhex(scope.operator[2:]) if scope.operator else ZERO32,
        [p.encode("ascii") for p in scope.ports_of_loading],
        [p.encode("ascii") for p in scope.ports_of_discharge],
    )


def _ascii(raw: bytes) -> str:
    return bytes(raw).rstrip(b"\0").decode("ascii", errors="replace")


def alert_from_chain(raw: Any, *, registry: str, tx_hash: str | None = None) -> Alert:
    """An Alert from the contract's Alert tuple."""
    alert_id, member, publisher, severity, since, published_until, published_at, withdrawn_at, cid, scope, ext = raw
    hs, origins, destinations, operator, loading, discharge = scope
    extensions = [Extension(at=_time(at), until=_time(until)) for at, until in ext]
    return Alert(
        id=int(alert_id),
        member=member_id_text(member),
        publisher=to_checksum_address(publisher),
        severity=Severity.of_code(int(severity)),
        scope=AlertScope(
            hs=[_ascii(h) for h in hs],
            origins=[member_id_text(m) for m in origins],
            destinations=[member_id_text(m) for m in destinations],
            operator=None if bytes(operator) == ZERO32 else "0x" + bytes(operator).hex(),
            ports_of_loading=[_ascii(p) for p in loading],
            ports_of_discharge=[_ascii(p) for p in discharge],
        ),
        since=_time(since),
        published_until=_time(published_until),
        published_at=_time(published_at),
        extensions=extensions,
        withdrawn_at=from_unix(int(withdrawn_at)),
        reason_cid=shown_cid(bytes(cid)),
        tx_hash=tx_hash,
        registry=to_checksum_address(registry),
    )


def _time(unix: int) -> datetime:
    return datetime.fromtimestamp(int(unix), tz=UTC)


class AlertRegistryBinding:
    """AlertRegistry over every version the consortium lists: a new alert goes to the active
    version; an alert is extended and withdrawn on the version that holds it; reads cover every
    listed version (never an address from input)."""

    def __init__(self, client: LedgerClient) -> None:
        self.client = client
        self.codec = client.artifacts.codec(CONTRACT)

    @cached_property
    def contract(self) -> ContractBinding:
        """The active version: where new alerts go."""
        return self._at(active_version(self.client, CONTRACT))

    def _at(self, address: str) -> ContractBinding:
        return ContractBinding(self.client, CONTRACT, address)

    # -------------------------------------------------------------- writes

    def publish(
        self,
        *,
        severity: Severity,
        scope: AlertScope,
        until: datetime,
        since: datetime | None = None,
        reason_cid: ContentId | None = None,
    ) -> Alert:
        """Publish an alert as the client's customs key; in force from `since` (default: its
        publication) until `until`. Returns the alert as recorded."""
        aware(until, path="until")
        if since is not None:
            aware(since, path="since")
        self._check_members(scope)
        if reason_cid is not None:
            self._check_reason(reason_cid)
        now = latest_timestamp(self.client)
        start = to_unix(since) if since is not None else now
        self._check_until(to_unix(until), after=max(start, now), now=now)
        args = (severity.code, scope_args(scope), start, to_unix(until), reason_cid.raw if reason_cid else b"")
        with readable_errors():
            sent = self.contract.transact("publish", *args)
        events = self.contract.events(sent.receipt, "AlertPublished")
        if len(events) != 1:
            raise TransactionFailed(f"publish {sent.tx_hash} recorded no AlertPublished event")
        return self._read(self.contract.address, int(events[0]["alertId"]), tx_hash=sent.tx_hash)

    def extend(self, alert_id: int, until: datetime) -> tuple[Alert, SentTransaction]:
        """Keep alert `alert_id` in force until a later `until`, as the client's customs key."""
        aware(until, path="until")
        alert = self._own(alert_id)
        now = latest_timestamp(self.client)
        if to_unix(until) <= to_unix(alert.until):
            raise InvalidInput(
                f"alert {alert_id} is in force until {iso(alert.until)} already: extend it to a later time",
                path="until",
            )
        self._check_until(to_unix(until), after=now, now=now)
        with readable_errors():
            sent = self._at(alert.registry).transact("extend", alert_id, to_unix(until))
        return self._read(alert.registry, alert_id, tx_hash=alert.tx_hash), sent

    def withdraw(self, alert_id: int) -> tuple[Alert, SentTransaction]:
        """Withdraw alert `alert_id` from now on, as the client's customs key."""
        alert = self._own(alert_id)
        with readable_errors():
            sent = self._at(alert.registry).transact("withdraw", alert_id)
        return self._read(alert.registry, alert_id, tx_hash=alert.tx_hash), sent

    # -------------------------------------------------------------- reads

    def alert(self, alert_id: int) -> Alert:
        """Alert `alert_id` with its publishing transaction, from whichever listed version holds
        it (AlertNotFound if none)."""
        if alert_id < 1:
            raise AlertNotFound(alert_id)
        versions = listed_versions(self.client, CONTRACT)
        calls = [self._at(v).fn("alert", alert_id) for v in versions]
        replies = self.client.raw_batch([c.request() for c in calls])
        for version, call, reply in zip(versions, calls, replies, strict=True):
            try:
                raw = call.decode(view_result(self.client, reply, call.what))
            except ContractRevert.for_error("AlertRegistryUnknownAlert"):
                continue  # on another version, or nowhere
            return self.with_tx_hashes([alert_from_chain(raw, registry=version)])[0]
        raise AlertNotFound(alert_id)

    def alerts(self) -> list[Alert]:
        """Every alert of every listed version, by id, without publishing transactions (three
        JSON-RPC batches; `with_tx_hashes` adds them to the ones shown)."""
        versions = listed_versions(self.client, CONTRACT)
        counts = batch_call(self.client, [self._at(v).fn("alertCount") for v in versions])
        pages = [(v, offset) for v, n in zip(versions, counts, strict=True) for offset in range(0, int(n), MAX_PAGE)]
        id_pages = batch_call(self.client, [self._at(v).fn("alertIds", offset, MAX_PAGE) for v, offset in pages])
        wanted = [(v, int(i)) for (v, _), ids in zip(pages, id_pages, strict=True) for i in ids]
        calls: list[BoundCall] = [self._at(v).fn("alert", i) for v, i in wanted]
        raws = batch_call(self.client, calls)
        found = [alert_from_chain(raw, registry=v) for (v, _), raw in zip(wanted, raws, strict=True)]
        return sorted(found, key=lambda a: a.id)

    def with_tx_hashes(self, alerts: list[Alert]) -> list[Alert]:
        """The alerts with the hashes of the transactions that published them: one log query
        per version holding some of them, for their ids only (alertId is indexed)."""
        deployment = self.client.deployment
        start = deployment.contracts[CONTRACT].block if deployment and CONTRACT in deployment.contracts else 0
        decode = self.codec.event_decoder("AlertPublished")
        hashes: dict[tuple[str, int], str] = {}
        for version in sorted({a.registry for a in alerts}):
            ids = sorted({a.id for a in alerts if a.registry == version})
            topics = ["0x" + i.to_bytes(32, "big").hex() for i in ids]
            for log in self._at(version).logs(["AlertPublished"], topics, from_block=start):
                hashes[(version, int(decode(log)["alertId"]))] = str(log["transactionHash"])
        return [a.model_copy(update={"tx_hash": hashes.get((a.registry, a.id))}) for a in alerts]

    def in_force(self, at: datetime | None = None) -> list[Alert]:
        """The alerts in force at `at` (default: the chain's time now), as they stood then."""
        when = self.now() if at is None else aware(at, path="at")
        return [a for a in self.alerts() if a.in_force(when)]

    def now(self) -> datetime:
        """The latest block's time: "now" as the contract reads it."""
        return _time(latest_timestamp(self.client))

    # -------------------------------------------------------------- helpers

    def _read(self, version: str, alert_id: int, *, tx_hash: str | None) -> Alert:
        raw = self._at(version).call("alert", alert_id)
        return alert_from_chain(raw, registry=version, tx_hash=tx_hash)

    def _own(self, alert_id: int) -> Alert:
        """Alert `alert_id`, refused (NotAlertOwner) unless the client is its member's customs key."""
        alert = self.alert(alert_id)
        acting = ConsortiumBinding(self.client).customs_member(self.client.address)
        if acting != alert.member:
            raise NotAlertOwner(alert_id, alert.member, acting)
        return alert

    def _check_members(self, scope: AlertScope) -> None:
        consortium = ConsortiumBinding(self.client)
        for path, members in (("origins", scope.origins), ("destinations", scope.destinations)):
            for member in members:
                consortium.require_member(member, path=path)

    def _check_reason(self, cid: ContentId) -> None:
        """The reason must be a document the publisher's member anchored: a CID of anyone
        else's document would lend the alert a reason that is not its own."""
        member = ConsortiumBinding(self.client).customs_member(self.client.address)
        anchor = DocumentRegistryBinding(self.client).anchor_of(cid.digest)
        if anchor is None or member is None or anchor.member_id != member:
            who = f"anchored by {anchor.member_id}" if anchor else "not anchored"
            raise InvalidInput(
                f"{cid.text} is {who}: the reason is a document your member put in the store and anchored "
                "(`sanzhi docs put FILE --for ... --anchor`)",
                path="reason_cid",
            )

    def _check_until(self, until: int, *, after: int, now: int) -> None:
        latest = now + MAX_HORIZON_DAYS * 86_400
        if until <= after:
            raise InvalidInput(f"{iso(until)} is not after {iso(after)}", path="until")
        if until > latest:
            raise InvalidInput(
                f"{iso(until)} is more than {MAX_HORIZON_DAYS} days ahead (at most {iso(latest)})", path="until"
            )
