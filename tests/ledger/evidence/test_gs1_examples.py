"""GS1's published event hash examples (gs1_examples/README.md): for each document, sanzhi
records exactly the expected hashes, or refuses the event with the reason asserted here."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.errors import InvalidDocument
from ledger.evidence import event_hash, parse_epcis
from ledger.evidence.event_hash import document_pre_hashes
from ledger.jsonfiles import loads_strict

EXAMPLES = Path(__file__).parent / "gs1_examples"
QUERY_DOCUMENT = ("$.type", "an EPCISQueryDocument is not accepted")
# example -> every (path, start of reason) sanzhi refuses it with
REFUSED: dict[str, list[tuple[str, str]]] = {
    # written for the reference's sources after 1.9.3, which drop the listed fields from the hash
    "epcisDocHavingEventWithIgnoreFields": [('$["repository-x:ignoreFields"]', "GS1's event hash reference leaves")],
    # declares the prefix cbvmda as a URN; sanzhi's inline contexts map prefixes to http(s) IRIs
    "epcisDocWithVariousEventTypes": [("$.@context", 'context entry {"cbvmda": "urn:epcglobal:cbv:mda:"}')],
    # the reference 1.9.3 cannot read query documents (KeyError 'event')
    "epcisQueryDocHavingEventWithIgnoreFields": [QUERY_DOCUMENT],
    "epcisQueryDocument": [QUERY_DOCUMENT],
}
NAMES = sorted(path.stem for path in EXAMPLES.glob("*.jsonld"))


def expected_hashes(name: str) -> list[str]:
    return (EXAMPLES / f"{name}.hashes").read_text(encoding="utf-8").split()


def test_the_examples_are_all_there() -> None:
    assert len(NAMES) == 22
    assert set(REFUSED) < set(NAMES)
    assert all((EXAMPLES / f"{name}.hashes").is_file() for name in NAMES)
    assert (EXAMPLES / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


@pytest.mark.parametrize("name", [name for name in NAMES if name not in REFUSED])
def test_sanzhi_records_the_published_hashes(name: str) -> None:
    text = (EXAMPLES / f"{name}.jsonld").read_bytes()
    expected = expected_hashes(name)
    events = parse_epcis(text, source=name)
    assert [event.hash.ni for event in events] == expected
    # the same, event by event from the document's JSON, and as the reference reads the document whole
    document = loads_strict(text, source=name)
    alone = [event_hash(event, context=document["@context"]).ni for event in document["epcisBody"]["eventList"]]
    assert alone == expected
    assert all(isinstance(found, str) for found in document_pre_hashes(document))


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_sanzhi_refuses_these_with_the_reason(name: str) -> None:
    with pytest.raises(InvalidDocument) as caught:
        parse_epcis((EXAMPLES / f"{name}.jsonld").read_bytes(), source=name)
    found = caught.value.problems
    assert len(found) == len(REFUSED[name]), found
    for (path, reason), (expected_path, expected_start) in zip(found, REFUSED[name], strict=True):
        assert path == expected_path
        assert reason.startswith(expected_start), reason
    assert "\n" not in str(caught.value)


def test_the_installed_reference_agrees_with_the_examples_sanzhi_accepts(tmp_path: Path) -> None:
    """The command line path of the reference (1.9.3) on the files themselves: the expected
    hashes are its hashes for every example accepted."""
    from epcis_event_hash_generator.__main__ import epcis_hash_from_file
    from epcis_event_hash_generator.json_to_py import _namespaces

    for name in NAMES:
        if name in REFUSED:
            continue
        _namespaces.clear()  # as in a fresh process
        hashes, _ = epcis_hash_from_file(str(EXAMPLES / f"{name}.jsonld"), "sha256")
        assert hashes == expected_hashes(name), name
