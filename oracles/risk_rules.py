"""Declarative risk rules of a customs administration, and their evaluation over what the chain
says about a declared consignment.

A rule set is YAML: the administration that applies it, and rules, each a check and the lane a
consignment gets when the check fails (for `partner-alert`, the lane a matching partner's alert
gives by its severity). The lane is the worst of the failed rules' lanes (green
when none fails). The rule set is identified on chain by the keccak256 of its canonical JSON,
so the lane event names exactly the rules that chose it. Evaluation reads only the chain and the
declaration record at the record's decision time: the same rules, chain state and time always
give the same lane.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ledger.alerts.models import Severity
from ledger.documents.common import LocationCode
from ledger.documents.registry import validation_problems
from ledger.errors import InvalidDocument, InvalidInput
from ledger.evidence.customs import MAX_RELIED_ALERTS, ReliedAlert
from ledger.hashing.canonical import canonical_json
from ledger.hashing.keccak import keccak256


class Lane(IntEnum):
    """Lanes by severity: a consignment gets the worst lane among the rules it fails."""

    GREEN = 0
    YELLOW = 1
    RED = 2

    @property
    def slug(self) -> Literal["green", "yellow", "red"]:
        return self.name.lower()  # type: ignore[return-value]


LaneName = Literal["yellow", "red"]
Member = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{0,31}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AeoRule(_Strict):
    """The declared party is an AEO the applying administration recognises at the decision time."""

    id: str
    check: Literal["aeo-recognised"]
    party: Literal["declarant", "consignor", "consignee"]
    lane: LaneName


class CertificatesRule(_Strict):
    """Every certificate the declaration claims verifies and has the declared quantity left."""

    id: str
    check: Literal["certificates-valid"]
    lane: LaneName


class EvidenceRule(_Strict):
    """The consignment's evidence chain holds an entry of `step` (with a document if asked)."""

    id: str
    check: Literal["evidence-present"]
    step: str
    with_document: bool = False
    lane: LaneName


class WatchlistRule(_Strict):
    """No declared HS code starts with a watched one."""

    id: str
    check: Literal["hs-not-watched"]
    codes: list[Annotated[str, StringConstraints(pattern=r"^[0-9]{2,10}$")]] = Field(min_length=1)
    lane: LaneName


class AlertLanes(_Strict):
    """The lane an alert of each severity gives (a severity left out gives none)."""

    low: LaneName | None = None
    medium: LaneName | None = None
    high: LaneName | None = None


class PartnerAlertRule(_Strict):
    """No alert of a honoured partner, at `min_severity` or above, in force at the decision time
    matches the declaration (HS codes, origin, destination, operator, ports)."""

    id: str
    check: Literal["partner-alert"]
    partners: Literal["any-other"] | list[Member] = Field(
        description="The members whose alerts count: a list, or `any-other` (every member but the applying one)"
    )
    min_severity: Severity
    lanes: AlertLanes

    @model_validator(mode="after")
    def _consistent(self) -> PartnerAlertRule:
        if isinstance(self.partners, list):
            if not self.partners:
                raise ValueError("partners: name at least one member, or `any-other`")
            twice = sorted({m for m in self.partners if self.partners.count(m) > 1})
            if twice:
                raise ValueError(f"partners: {', '.join(twice)} named twice")
        honoured = self.min_severity.at_least()
        missing = [s.value for s in honoured if getattr(self.lanes, s.value) is None]
        if missing:
            raise ValueError(
                f"lanes: no lane for {', '.join(missing)} (at or above min_severity {self.min_severity.value})"
            )
        below = [s.value for s in Severity if s not in honoured and getattr(self.lanes, s.value) is not None]
        if below:
            raise ValueError(
                f"lanes: {', '.join(below)} is below min_severity {self.min_severity.value}, never honoured"
            )
        given = [Lane[str(getattr(self.lanes, s.value)).upper()] for s in honoured]
        if given != sorted(given):
            raise ValueError("lanes: a more severe alert cannot give a lighter lane")
        return self

    def lane_of(self, severity: Severity) -> LaneName | None:
        """The lane an alert of `severity` gives under this rule (None: not honoured)."""
        return getattr(self.lanes, severity.value) if severity in self.min_severity.at_least() else None

    def honours(self, *, publisher: str, applying: str) -> bool:
        """Whether an alert `publisher` published counts for `applying`'s decisions."""
        if self.partners == "any-other":
            return publisher != applying
        return publisher in self.partners


Rule = Annotated[
    AeoRule | CertificatesRule | EvidenceRule | WatchlistRule | PartnerAlertRule, Field(discriminator="check")
]


class RuleSet(_Strict):
    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    member: Member = Field(description="The administration applying the rules (its oracles decide)")
    rules: list[Rule] = Field(min_length=1, max_length=200)

    @property
    def hash(self) -> bytes:
        """keccak256 of the rule set's canonical JSON (RFC 8785): what the lane event names."""
        return keccak256(canonical_json(self.model_dump(mode="json")))


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping (YAML would keep the last)."""


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"key {key!r} given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def load_rules(path: Path) -> RuleSet:
    """Read and validate a rule set; every problem is named."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read rules {path}: {exc.strerror or exc}", path=str(path)) from None
    if len(text) > 1024 * 1024:
        raise InvalidInput(f"rules {path} are over 1 MiB", path=str(path))
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"rules {path} are not valid YAML: {exc}".replace("\n", " "), path=str(path)) from None
    try:
        rules = RuleSet.model_validate(data)
    except ValidationError as exc:
        raise InvalidDocument(validation_problems(exc)) from None
    ids = [r.id for r in rules.rules]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise InvalidInput(f"rule ids given twice: {', '.join(twice)}", path="rules")
    return rules


class Party(_Strict):
    operator: str = Field(min_length=1, max_length=128)
    certified_by: Member


class ClaimedCertificate(_Strict):
    file: str = Field(min_length=1)
    quantity: Annotated[str, StringConstraints(pattern=r"^[0-9]+(\.[0-9]{1,3})?$")]


class Declaration(_Strict):
    """One declaration record as the administration's system exports it."""

    ucr: str = Field(min_length=1, max_length=64)
    declaration: str = Field(min_length=1, max_length=64)
    decided_at: AwareDatetime
    declarant: Party | None = None
    consignor: Party | None = None
    consignee: Party | None = None
    hs_codes: list[Annotated[str, StringConstraints(pattern=r"^[0-9]{4,10}$")]] = Field(min_length=1)
    certificates: list[ClaimedCertificate] = Field(default_factory=list)
    port_of_loading: LocationCode | None = None
    port_of_discharge: LocationCode | None = None

    def parties(self) -> list[Party]:
        return [p for p in (self.declarant, self.consignor, self.consignee) if p is not None]


class Finding(_Strict):
    rule: str
    lane: Literal["yellow", "red"]
    reason: str
    alerts: list[ReliedAlert] = Field(default_factory=list)


class Assessment(_Strict):
    """The lane of one declaration and the failed rules that chose it."""

    ucr: str
    lane: Literal["green", "yellow", "red"]
    findings: list[Finding]

    @property
    def alerts(self) -> list[ReliedAlert]:
        """The partners' alerts the failed rules relied on, each once, by member and number; at
        most as many as a lane names."""
        unique = {(a.member, a.id): a for f in self.findings for a in f.alerts}
        # several partner-alert rules may together rely on more than a lane names: the most severe stay
        kept = sorted(unique.values(), key=lambda a: (-a.severity.code, a.member, a.id))[:MAX_RELIED_ALERTS]
        return sorted(kept, key=lambda a: (a.member, a.id))


# a rule and a declaration -> the finding when the rule fails (its lane and why), or None
Check = Callable[[Any, Declaration], Finding | None]


def failing(reason_of: Callable[[Any, Declaration], str | None]) -> Check:
    """A check from one that says why a rule fails: the finding gives the rule's own lane."""

    def check(rule: Any, declaration: Declaration) -> Finding | None:
        reason = reason_of(rule, declaration)
        return None if reason is None else Finding(rule=rule.id, lane=rule.lane, reason=reason)

    return check


def assess(rules: RuleSet, declaration: Declaration, checks: dict[str, Check]) -> Assessment:
    """Run every rule; `checks[rule.check](rule, declaration)` gives its finding when it fails."""
    findings = []
    for rule in rules.rules:
        finding = checks[rule.check](rule, declaration)
        if finding is not None:
            findings.append(finding.model_copy(update={"rule": rule.id, "reason": finding.reason[:200]}))
    worst = max((Lane[f.lane.upper()] for f in findings), default=Lane.GREEN)
    return Assessment(ucr=declaration.ucr, lane=worst.slug, findings=findings)
