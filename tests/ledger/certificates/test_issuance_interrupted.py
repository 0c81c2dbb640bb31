"""Killing an issuance at any moment loses nothing and anchors nothing twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ledger.certificates import issuance
from ledger.certificates.issuance import STAGING, issue_files
from ledger.certificates.numbers import IssuedNumbers, numbers_path
from ledger.certificates.registry import CertificateRegistryBinding
from ledger.certificates.trust import resolve_anchor
from ledger.certificates.verification import verify_certificates
from ledger.certificates.wrapped import read_wrapped
from ledger.errors import LedgerError
from tests.support import Chain, child_processes, poll, wait_until, write_co_samples

SANZHI = Path(sys.executable).parent / "sanzhi"


class Crash(BaseException):
    """Stands for the process dying at this point."""


def issued_events(chain: Chain) -> Counter[str]:
    """How many times each root was issued, from the registry's events."""
    client = chain.client()
    topic = client.artifacts.codec("CertificateRegistry").event_topic("CertificatesIssued")
    logs = client.w3.eth.get_logs(
        {"address": client.address_of("CertificateRegistry"), "topics": ["0x" + topic.hex()], "fromBlock": 0}
    )
    return Counter("0x" + bytes(log["topics"][1]).hex() for log in logs)


def assert_complete(chain: Chain, out: Path, files: list[Path]) -> None:
    """Every document has its wrapped file, each verifies, each root was issued exactly once."""
    assert not (out / STAGING).exists()
    wrapped = [read_wrapped(out / f.name) for f in files]
    client = chain.client()
    results = verify_certificates(client=client, certificates=wrapped, anchor=resolve_anchor(client, None))
    assert all(r.valid for r in results), [r.fragments for r in results if not r.valid][:1]
    events = issued_events(chain)
    assert {c.proof.root for c in wrapped} <= set(events)
    assert max(events.values()) == 1


def run_issue(chain: Chain, files: list[Path], out: Path) -> Any:
    return issue_files(
        registry=CertificateRegistryBinding(chain.client("cn-issuer")),
        doc_type="certificate-of-origin",
        files=files,
        out_dir=out,
        numbers=IssuedNumbers(numbers_path(chain.data_dir)),
        batch_size=4,
    )


def killed_after_anchoring(chain: Chain, files: list[Path], out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An issuance that dies right after its roots are anchored, before the files move."""
    anchor_roots = CertificateRegistryBinding.anchor_roots

    def anchor_then_die(self: CertificateRegistryBinding, *args: Any, **kwargs: Any) -> Any:
        anchor_roots(self, *args, **kwargs)
        raise Crash

    monkeypatch.setattr(CertificateRegistryBinding, "anchor_roots", anchor_then_die)
    with pytest.raises(Crash):
        run_issue(chain, files, out)
    monkeypatch.undo()


def killed_before_anchoring(chain: Chain, files: list[Path], out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An issuance that dies with its files staged and its journal written, before any root is sent."""

    def die(*_: Any, **__: Any) -> Any:
        raise Crash

    monkeypatch.setattr(CertificateRegistryBinding, "anchor_roots", die)
    with pytest.raises(Crash):
        run_issue(chain, files, out)
    monkeypatch.undo()


def killed_after_anchoring_the_first_batch(
    chain: Chain, files: list[Path], out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An issuance that dies after anchoring its first batch (of 4) and none of the others."""
    anchor_roots = CertificateRegistryBinding.anchor_roots

    def anchor_one_then_die(
        self: CertificateRegistryBinding, roots: Any, doc_type: str, counts: Any, *, destinations: Any, **kwargs: Any
    ) -> Any:
        anchor_roots(self, roots[:1], doc_type, counts[:1], destinations=destinations[:1], **kwargs)
        raise Crash

    monkeypatch.setattr(CertificateRegistryBinding, "anchor_roots", anchor_one_then_die)
    with pytest.raises(Crash):
        run_issue(chain, files, out)
    monkeypatch.undo()


def test_killed_after_anchoring_the_rerun_moves_the_files(
    chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_co_samples(tmp_path / "in", 10, seed=21)
    out = tmp_path / "out"
    killed_after_anchoring(chain, files, out, monkeypatch)
    assert (out / STAGING / "journal.json").exists()
    assert not list(out.glob("*.json"))  # nothing in place before it is anchored and complete
    result = run_issue(chain, files, out)
    assert result.resumed == 10
    assert all(batch.already_anchored for batch in result.batches)
    assert_complete(chain, out, files)


def test_a_journal_from_before_shards_staged_apart_is_completed(
    chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Earlier versions staged every file in OUT/.issuing/ itself and wrote no `parts`: such a
    journal, left by a killed run, is completed by this version."""
    files = write_co_samples(tmp_path / "in", 6, seed=27)
    out = tmp_path / "out"
    killed_after_anchoring(chain, files, out, monkeypatch)
    staging = out / STAGING
    for staged in (staging / "0").iterdir():
        staged.rename(staging / staged.name)
    (staging / "0").rmdir()
    journal = json.loads((staging / "journal.json").read_text())
    assert journal.pop("parts") == [6]
    (staging / "journal.json").write_text(json.dumps(journal))

    result = run_issue(chain, files, out)

    assert result.resumed == 6
    assert all(batch.already_anchored for batch in result.batches)
    assert_complete(chain, out, files)


def test_a_tampered_staged_file_is_not_anchored(chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = write_co_samples(tmp_path / "in", 4, seed=25)
    out = tmp_path / "out"
    killed_before_anchoring(chain, files, out, monkeypatch)
    staged = out / STAGING / "0" / files[0].name  # the one shard's staging directory
    staged.write_text(staged.read_text().replace('"CN"', '"TH"', 1))
    with pytest.raises(LedgerError, match="does not match its journal"):
        run_issue(chain, files, out)
    assert not issued_events(chain)


def test_killed_before_anchoring_the_rerun_anchors_once(
    chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_co_samples(tmp_path / "in", 9, seed=22)
    out = tmp_path / "out"
    killed_after_anchoring_the_first_batch(chain, files, out, monkeypatch)
    result = run_issue(chain, files, out)
    assert [b.already_anchored for b in result.batches] == [True, False, False]
    assert_complete(chain, out, files)


def test_killed_while_preparing_nothing_is_left_and_the_rerun_starts_afresh(
    chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_co_samples(tmp_path / "in", 6, seed=23)
    out = tmp_path / "out"

    def die(*_: Any, **__: Any) -> None:
        raise Crash

    monkeypatch.setattr(issuance, "write_model", die)  # dies just before the journal is written
    with pytest.raises(Crash):
        run_issue(chain, files, out)
    assert not out.exists()
    assert not issued_events(chain)
    monkeypatch.undo()
    assert run_issue(chain, files, out).resumed == 0
    assert_complete(chain, out, files)


def test_a_staging_directory_without_a_journal_is_discarded(chain: Chain, tmp_path: Path) -> None:
    """What a run killed while staging leaves: staged files, the last one perhaps torn, and no
    journal. Staged files are written without a rename each because of this: without the
    journal nothing of them was anchored, and the rerun starts afresh."""
    files = write_co_samples(tmp_path / "in", 6, seed=26)
    out = tmp_path / "out"
    (out / STAGING).mkdir(parents=True)
    (out / STAGING / files[0].name).write_text('{"version": 2, "type": "certifi')  # torn mid-write
    (out / STAGING / files[1].name).write_bytes(b"")  # created, nothing written yet

    assert run_issue(chain, files, out).resumed == 0

    assert_complete(chain, out, files)


def _issue_process(chain: Chain, samples: Path, out: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen(
            [str(SANZHI), "--data-dir", str(chain.data_dir), "--rpc-url", chain.rpc_url, "cert", "issue",
             str(samples), "--out", str(out), "--batch-size", "100", "--as", "cn-issuer"],
            stdout=sink,
            stderr=sink,
            start_new_session=True,
        )  # fmt: skip


def _wait_for(path: Path, process: subprocess.Popen[bytes]) -> None:
    def there() -> bool:
        assert process.poll() is None, "the issuance ended before the moment to kill it"
        return path.exists()

    wait_until(there, timeout=60, interval=0.005, failure=f"{path} never appeared")


def _wait_for_workers(process: subprocess.Popen[bytes]) -> None:
    def forked() -> bool:
        assert process.poll() is None, "the issuance ended before it forked its workers"
        return bool(child_processes(process.pid))

    wait_until(forked, timeout=60, interval=0.005, failure="no worker was forked")


def _group_gone(pgid: int) -> bool:
    def gone() -> bool:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        return False

    return bool(poll(gone, timeout=10))


@pytest.mark.parametrize("moment", ["preparing", "staging", "journal"])
def test_kill_9_of_the_parent_leaves_no_worker_and_no_torn_file(chain: Chain, tmp_path: Path, moment: str) -> None:
    files = write_co_samples(tmp_path / "in", 500, seed=24)  # enough for forked workers
    out = tmp_path / "out"
    process = _issue_process(chain, tmp_path / "in", out, tmp_path / "issue.log")
    if moment == "journal":
        _wait_for(out / STAGING / "journal.json", process)
    elif moment == "staging":  # the workers are writing their staged files
        _wait_for(out / STAGING / "0" / files[0].name, process)
    else:
        _wait_for_workers(process)
    os.kill(process.pid, signal.SIGKILL)  # the parent alone: its workers must not outlive it
    process.wait()
    assert _group_gone(process.pid), "a worker outlived the killed issuance"
    for path in out.glob("*.json"):
        json.loads(path.read_text())  # no torn or empty file in place
    rerun = _issue_process(chain, tmp_path / "in", out, tmp_path / "issue.log")
    assert rerun.wait(timeout=120) == 0, (tmp_path / "issue.log").read_text()
    assert_complete(chain, out, files)


def upgrade_by_vote(chain: Chain) -> str:
    """A new CertificateRegistry voted in by CN and SG: the active version from now on."""
    from ledger.consortium.binding import ConsortiumBinding
    from ledger.consortium.upgrades import propose_upgrade

    proposed = propose_upgrade(chain.client("cn-admin"), "CertificateRegistry")
    assert ConsortiumBinding(chain.client("sg-admin")).approve(proposed.proposal_id).executed
    return proposed.registry


def test_staged_before_an_upgrade_and_anchored_nowhere_the_rerun_issues_on_the_new_version(
    chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_co_samples(tmp_path / "in", 6, seed=23)
    out = tmp_path / "out"
    killed_before_anchoring(chain, files, out, monkeypatch)
    v2 = upgrade_by_vote(chain)
    result = run_issue(chain, files, out)
    assert not result.resumed
    assert {read_wrapped(out / f.name).proof.registry for f in files} == {v2}
    wrapped = [read_wrapped(out / f.name) for f in files]
    client = chain.client()
    assert all(
        r.valid for r in verify_certificates(client=client, certificates=wrapped, anchor=resolve_anchor(client, None))
    )
    assert not issued_events(chain)  # nothing on the replaced version


def test_partly_anchored_before_an_upgrade_the_rerun_keeps_what_was_anchored_and_names_the_rest(
    chain: Chain, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_co_samples(tmp_path / "in", 9, seed=24)
    out = tmp_path / "out"
    killed_after_anchoring_the_first_batch(chain, files, out, monkeypatch)
    upgrade_by_vote(chain)
    with pytest.raises(LedgerError, match=r"4 certificates were anchored there and are in place; 5 were not"):
        run_issue(chain, files, out)
    kept = sorted(p.name for p in out.glob("*.json"))
    assert kept == sorted(f.name for f in files)[:4]
    assert not (out / STAGING).exists()
    client = chain.client()
    wrapped = [read_wrapped(out / name) for name in kept]
    assert all(
        r.valid for r in verify_certificates(client=client, certificates=wrapped, anchor=resolve_anchor(client, None))
    )
