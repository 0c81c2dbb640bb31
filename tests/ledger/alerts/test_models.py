"""Alert scopes and times as partners evaluate them: which consignments an alert concerns, and
whether it was in force at a moment, the same before and after later changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ledger.alerts import Alert, AlertScope, Extension, Severity
from ledger.errors import InvalidInput

T0 = datetime(2026, 3, 1, tzinfo=UTC)
OPERATOR = "0x" + "ab" * 32


def scope(**changes: object) -> AlertScope:
    return AlertScope.model_validate({"hs": ["0306"], "origins": ["CN"], "destinations": ["SG"], **changes})


def record(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "hs_code": "030617",
        "origin": "CN",
        "destination": "SG",
        "operator": None,
        "port_of_loading": None,
        "port_of_discharge": None,
    }
    return {**base, **changes}


def alert(**changes: object) -> Alert:
    base: dict[str, object] = {
        "id": 1,
        "member": "SG",
        "publisher": "0x" + "11" * 20,
        "severity": Severity.HIGH,
        "scope": scope(),
        "since": T0,
        "until": T0 + timedelta(days=30),
        "published_until": T0 + timedelta(days=30),
        "published_at": T0,
    }
    return Alert.model_validate({**base, **changes})


def test_hs_matches_by_prefix_and_empty_lists_mean_any() -> None:
    assert scope().matches(**record())  # type: ignore[arg-type]
    assert scope().matches(**record(hs_code="0306.17"))  # type: ignore[arg-type]
    assert not scope().matches(**record(hs_code="030717"))  # type: ignore[arg-type]
    assert not scope().matches(**record(hs_code="03"))  # type: ignore[arg-type]
    assert AlertScope().matches(**record(origin=None, destination=None))  # type: ignore[arg-type]


def test_a_named_value_the_record_lacks_never_matches() -> None:
    by_port = scope(ports_of_loading=["CNSHA"])
    assert by_port.matches(**record(port_of_loading="cnsha"))  # type: ignore[arg-type]
    assert not by_port.matches(**record(port_of_loading=None))  # type: ignore[arg-type]
    assert not by_port.matches(**record(port_of_loading="CNNGB"))  # type: ignore[arg-type]
    assert not scope().matches(**record(origin=None))  # type: ignore[arg-type]
    by_operator = scope(operator=OPERATOR.upper().replace("0X", "0x"))
    assert by_operator.operator == OPERATOR
    assert by_operator.matches(**record(operator=OPERATOR))  # type: ignore[arg-type]
    assert not by_operator.matches(**record(operator=None))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hs", ["030"], "'030' is not an HS code of 2, 4 or 6 digits"),
        ("hs", ["0306", "03.06"], "hs: 0306 is named twice"),
        ("ports_of_loading", ["CNSH1"], "'CNSH1' is not a UN/LOCODE"),
        ("origins", ["c n"], "'c n' is not a member id"),
        ("operator", "0x1234", "'0x1234' is not a pseudonymous operator id"),
    ],
)
def test_bad_scope_input_is_one_clear_line(field: str, value: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        scope(**{field: value})


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput, match="has no time zone"):
        alert(since=datetime(2026, 3, 1))
    with pytest.raises(InvalidInput, match="has no time zone"):
        alert().in_force(datetime(2026, 3, 2))


def test_in_force_is_the_interval_from_publication() -> None:
    late = alert(published_at=T0 + timedelta(days=2))
    assert not late.in_force(T0 + timedelta(days=1)), "not before its publication, though since is earlier"
    assert late.in_force(T0 + timedelta(days=2))
    assert not late.in_force(T0 + timedelta(days=30)), "until is exclusive"


def test_an_extension_or_withdrawal_does_not_change_an_earlier_answer() -> None:
    ext = Extension(at=T0 + timedelta(days=20), until=T0 + timedelta(days=60))
    extended = alert(until=ext.until, extensions=[ext])
    assert extended.in_force(T0 + timedelta(days=29))
    assert extended.in_force(T0 + timedelta(days=45)), "after the extension, its new end"
    ended_first = alert(
        until=T0 + timedelta(days=60), extensions=[Extension(at=T0 + timedelta(days=40), until=T0 + timedelta(days=60))]
    )
    assert not ended_first.in_force(T0 + timedelta(days=35)), "a decision on day 35 saw it ended"
    assert ended_first.in_force(T0 + timedelta(days=41))
    withdrawn = alert(withdrawn_at=T0 + timedelta(days=5))
    assert withdrawn.in_force(T0 + timedelta(days=5) - timedelta(seconds=1))
    assert not withdrawn.in_force(T0 + timedelta(days=5))
