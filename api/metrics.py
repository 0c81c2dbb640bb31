"""Prometheus metrics of one service process: requests and latency by route template, verify
outcomes, and the chain head (read when scraped).

Each app has its own registry (tests build many apps; the global one would refuse to register
the same names twice). With several workers each process counts its own requests: a scrape
reaches one of them (see docs/api.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger.errors import LedgerError

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# seconds; verify is a few milliseconds, issuing a batch seconds
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ServiceMetrics:
    """The service's collectors, in a registry of their own."""

    def __init__(self, chain_head: Callable[[], int]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "sanzhi_http_requests",
            "HTTP requests answered, by method, route template and status",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "sanzhi_http_request_duration_seconds",
            "Time to answer, by method and route template",
            ("method", "route"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.verifications = Counter(
            "sanzhi_verifications",
            "Certificates verified, by outcome (valid, invalid, undecided)",
            ("outcome",),
            registry=self.registry,
        )
        head = Gauge("sanzhi_chain_head_block", "Latest block number the node reports (-1: unreachable)",
                     registry=self.registry)  # fmt: skip
        head.set_function(lambda: _or_unreachable(chain_head))

    def count_verifications(self, valid: int, invalid: int, undecided: int) -> None:
        for outcome, n in (("valid", valid), ("invalid", invalid), ("undecided", undecided)):
            if n:
                self.verifications.labels(outcome).inc(n)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def _or_unreachable(read: Callable[[], int]) -> float:
    try:
        return float(read())
    except LedgerError:
        return -1.0


class MetricsMiddleware:
    """Counts every HTTP request under its route template (`/aeo/recognition`, never the raw
    path, so label values stay few); unmatched paths count as `unmatched`."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = scope.get("route")
            template = route.path if isinstance(route, BaseRoute) and hasattr(route, "path") else "unmatched"
            method = scope.get("method", "")
            self.metrics.requests.labels(method, template, str(status)).inc()
            self.metrics.latency.labels(method, template).observe(time.perf_counter() - started)
