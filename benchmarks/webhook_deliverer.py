"""The webhook benchmark's deliverer, as a process of its own that the benchmark can SIGKILL:
the service's webhook loop (ledger.webhooks.runner: lease, enqueue, deliver) on the database at
SANZHI_BENCH_DATABASE_URL with the key in SANZHI_BENCH_WEBHOOK_KEY (base64).

Two timings are shortened so that a restart after a kill is seen in seconds, not minutes: the
lease's time to live (30 s in the service) and how long a claimed delivery stays claimed before
it is due again (300 s). Neither changes what is checked: that nothing is lost."""

from __future__ import annotations

import base64
import os
import signal
import sys
import threading

LEASE_SECONDS = 2.0
CLAIM_SECONDS = 3


def main() -> None:
    from ledger.index.db import make_engine
    from ledger.webhooks.runner import run_webhooks
    from ledger.webhooks.secret_box import SecretBox

    engine = make_engine(os.environ["SANZHI_BENCH_DATABASE_URL"])
    box = SecretBox(base64.b64decode(os.environ["SANZHI_BENCH_WEBHOOK_KEY"]))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    poll = float(os.environ.get("SANZHI_BENCH_POLL_SECONDS", "0.05"))
    errors: list[Exception] = []
    run_webhooks(engine=engine, box=box, production=False, stop=stop, poll_seconds=poll, lease_ttl=LEASE_SECONDS,
                 in_flight=CLAIM_SECONDS, on_error=errors.append)  # fmt: skip
    engine.dispose()
    if errors:
        sys.exit(f"{len(errors)} rounds failed; the first: {errors[0]}")


if __name__ == "__main__":
    main()
