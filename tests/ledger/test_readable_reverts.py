"""A contract's custom errors reworded for people, the decoded class kept for callers."""

from __future__ import annotations

import pytest

from ledger.errors import ContractRevert, readable_reverts
from ledger.ids import member_id_bytes, revert_member

MESSAGES = {"ExampleUnchanged": lambda v: f"{revert_member(v['member'])}'s submission {v['number']} is unchanged"}


def test_a_known_error_reads_in_words_and_keeps_its_class() -> None:
    with pytest.raises(ContractRevert.for_error("ExampleUnchanged")) as caught, readable_reverts(MESSAGES):
        raise ContractRevert.for_error("ExampleUnchanged")(
            "ExampleUnchanged", {"member": member_id_bytes("SG"), "number": 3}
        )
    assert str(caught.value) == "SG's submission 3 is unchanged (ExampleUnchanged)"


def test_an_unknown_error_or_unexpected_values_keep_the_decoded_message() -> None:
    with pytest.raises(ContractRevert) as caught, readable_reverts(MESSAGES):
        raise ContractRevert("ExampleOther", {"x": 1})
    assert caught.value.message == "ExampleOther(x=1)"
    with pytest.raises(ContractRevert) as caught, readable_reverts(MESSAGES):
        raise ContractRevert("ExampleUnchanged", {"member": "SG"})  # no `number`: a newer contract's error
    assert caught.value.message.startswith("ExampleUnchanged(")
