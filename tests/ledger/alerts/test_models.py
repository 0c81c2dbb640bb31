"""Alert scopes and times as partners evaluate them: which consignments an alert concerns, and
whether it was in force at a moment, the same before and after later changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ledger.alerts import Alert, AlertScope, AlertState, Extension, Severity
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
        "published_until": T0 + timedelta(days=30),
        "published_at": T0,
        "registry": "0x" + "22" * 20,
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
    extended = alert(extensions=[ext])
    assert extended.in_force(T0 + timedelta(days=29))
    assert extended.in_force(T0 + timedelta(days=45)), "after the extension, its new end"
    ended_first = alert(extensions=[Extension(at=T0 + timedelta(days=40), until=T0 + timedelta(days=60))])
    assert not ended_first.in_force(T0 + timedelta(days=35)), "a decision on day 35 saw it ended"
    assert ended_first.in_force(T0 + timedelta(days=41))
    withdrawn = alert(withdrawn_at=T0 + timedelta(days=5))
    assert withdrawn.in_force(T0 + timedelta(days=5) - timedelta(seconds=1))
    assert not withdrawn.in_force(T0 + timedelta(days=5))


def test_the_state_at_a_moment_is_as_the_alert_stood_then() -> None:
    day = timedelta(days=1)
    ext = Extension(at=T0 + 20 * day, until=T0 + 60 * day)
    later = alert(published_at=T0 + 2 * day, since=T0 + 5 * day, extensions=[ext], withdrawn_at=T0 + 50 * day)
    assert later.state_at(T0 + day) is AlertState.SCHEDULED, "before its publication: not yet, never ended"
    assert later.state_at(T0 + 3 * day) is AlertState.SCHEDULED, "published, not begun"
    assert later.state_at(T0 + 10 * day) is AlertState.IN_FORCE
    assert later.state_at(T0 + 45 * day) is AlertState.IN_FORCE, "after the extension, past the first end"
    assert later.state_at(T0 + 50 * day) is AlertState.WITHDRAWN
    ended = alert()
    assert ended.state_at(T0 + 30 * day) is AlertState.ENDED, "until is exclusive"
    extended_late = alert(extensions=[Extension(at=T0 + 40 * day, until=T0 + 60 * day)])
    assert extended_late.state_at(T0 + 35 * day) is AlertState.ENDED, "ended on day 30 as it stood on day 35"
    assert extended_late.state_at(T0 + 41 * day) is AlertState.IN_FORCE
    withdrawn_early = alert(since=T0 + 10 * day, withdrawn_at=T0 + 5 * day)
    assert withdrawn_early.state_at(T0 + 7 * day) is AlertState.WITHDRAWN, "withdrawn before it began"
    for at in (T0 - day, T0, T0 + 29 * day, T0 + 30 * day):
        assert ended.in_force(at) == (ended.state_at(at) is AlertState.IN_FORCE)


def test_until_is_the_last_end_set() -> None:
    ext = [Extension(at=T0 + timedelta(days=d), until=T0 + timedelta(days=u)) for d, u in ((10, 40), (20, 90))]
    assert alert().until == T0 + timedelta(days=30)
    assert alert(extensions=ext).until == T0 + timedelta(days=90)
    assert alert(extensions=ext).model_dump(mode="json")["until"] == "2026-05-30T00:00:00Z"


def test_an_alert_names_the_version_that_holds_it() -> None:
    with pytest.raises(ValueError, match="registry"):
        Alert.model_validate({k: v for k, v in alert().model_dump().items() if k != "registry"})


def test_takes_route_is_the_route_half_of_matches() -> None:
    routed = scope(hs=[])
    assert routed.takes_route(origin="CN", destination="SG")
    assert not routed.takes_route(origin="CN", destination="MY")
    assert not routed.takes_route(origin=None, destination="SG"), "an unknown end never matches a named list"
    assert AlertScope().takes_route(origin=None, destination=None)
    assert not routed.matches(**record(destination="MY"))  # type: ignore[arg-type]


def test_member_ids_are_read_as_the_contracts_key_them() -> None:
    assert scope(origins=[" cn "]).origins == ["CN"]
    with pytest.raises(InvalidInput, match=r"^destinations: 'S G' is not a member id"):
        scope(destinations=["S G"])
