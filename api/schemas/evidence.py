"""Request and response bodies of the evidence routes (consignments, their parties, trade events
and customs decisions, timelines). EPCIS bodies are read by `ledger.evidence.parse_epcis`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ledger.consortium.names import AccountName
from ledger.documents.countries import COUNTRY_PATTERN
from ledger.evidence.audit import ChainProblem
from ledger.evidence.consignment import UCR_PATTERN
from ledger.evidence.epcis import BTT_DECLARATION
from ledger.evidence.service import VOID_REASON_PATTERN
from ledger.evidence.stated import DECISIONS_BODY, TRADE_BODY
from ledger.evidence.vocabulary import CUSTOMS_NAMESPACE, CUSTOMS_PREFIX, EPCIS_CONTEXT, PartyRole

UCR_EXAMPLE = "6CN9144010012345678-SG-000777"
Ucr = Annotated[
    str,
    Field(min_length=4, max_length=40, json_schema_extra={"pattern": UCR_PATTERN},
          description="The consignment's WCO Unique Consignment Reference", examples=[UCR_EXAMPLE]),
]  # fmt: skip
Account = Annotated[
    str,
    Field(pattern=r"^0x[0-9a-fA-F]{40}$", description="An account address",
          examples=["0x2546BcD3c84621e976D8185a91A922aE77ECEc30"]),
]  # fmt: skip
Country = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z]{2}$",
        json_schema_extra={"pattern": COUNTRY_PATTERN},
        description="ISO 3166-1 alpha-2 country code",
        examples=["SG"],
    ),
]
NAME_DESCRIPTION = 'The address\'s name: "NAME, accredited by MEMBER", "MEMBER NAME (ID) admin", or null'
Role = Annotated[PartyRole, Field(description="What the party is (shown with it; roles do not limit steps)")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Party(_Body):
    account: Account
    role: Role = PartyRole.PARTY


class OpenRequest(_Body):
    """Open a consignment once: from its UCR's country to `destination`, with its parties."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "ucr": UCR_EXAMPLE,
                    "destination": "SG",
                    "parties": [{"account": "0x2546BcD3c84621e976D8185a91A922aE77ECEc30", "role": "consignee"}],
                }
            ]
        },
    )

    ucr: Ucr
    destination: Country
    parties: list[Party] = Field(default_factory=list, max_length=32, description="At most 32; add more one by one")


class PartyRequest(Party):
    """Allow an account (accredited trade or customs) to record on the consignment."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"account": "0x2546BcD3c84621e976D8185a91A922aE77ECEc30", "role": "carrier"}]},
    )


class VoidRequest(_Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "wrong-party"}]})

    reason: str = Field(
        min_length=1,
        max_length=32,
        json_schema_extra={"pattern": VOID_REASON_PATTERN},
        description="Why, in at most 32 ASCII characters",
    )


class PartyShown(BaseModel):
    account: str
    role: str
    account_name: str | None = Field(default=None, description=NAME_DESCRIPTION)


class Standing(BaseModel):
    """A consignment's current (or last) opening and its parties."""

    ucr: str
    consignment: str = Field(description="keccak256 of the canonical UCR")
    origin: str
    destination: str
    opener: str | None
    opener_name: str | None = Field(default=None, description=NAME_DESCRIPTION)
    opened_at: datetime
    opening: int = Field(description="How many times it was opened")
    open: bool = Field(description="False once voided")
    parties: list[PartyShown] = Field(description="The current opening's parties, the opener among them")
    tx_hash: str | None = Field(default=None, description="The transaction of the change (writes only)")


class Change(BaseModel):
    """One change of the consignment's standing, with who made it and when."""

    kind: str = Field(description="opened, party-added, party-removed or voided")
    by: str
    by_name: str | None = Field(default=None, description=NAME_DESCRIPTION)
    at: datetime
    account: str | None = None
    account_name: str | None = Field(default=None, description=NAME_DESCRIPTION)
    role: str | None = None
    origin: str | None = None
    destination: str | None = None
    opening: int | None = None
    member: str | None = None
    reason: str | None = None
    block_number: int
    tx_hash: str


class ConsignmentView(Standing):
    changes: list[Change]
    legacy: bool = Field(
        False, description="recorded before consignments were opened: read as opened by its first entry's submitter"
    )


class TimelineEntry(BaseModel):
    seq: int
    recorded_at: datetime
    member: str
    side: str = Field(description="party, export (the origin's customs) or import (the destination's)")
    submitter: str
    submitter_name: AccountName | None = Field(
        default=None, description="Who the submitter is, as the consortium names it"
    )
    step: str
    step_label: str | None = Field(default=None, description="`step` in the language asked for (`lang`)")
    correction: bool
    event_hash: str = Field(description="GS1 event hash, ni:///sha-256;...")
    declaration: str | None
    document_hash: str | None
    cid: str | None = Field(description="The document's CID (bafy... or bafk...), as `sanzhi docs put` printed it")
    parents: list[str]
    link: str
    tx_hash: str


class Timeline(BaseModel):
    ucr: str
    consignment: str
    entries: list[TimelineEntry]
    head_seq: int
    intact: bool = Field(description="Every link recomputes and the registry's head commits to the entries")
    problems: list[ChainProblem]


def _epcis_body(component: str, example: dict[str, Any]) -> dict[str, Any]:
    """A request body read by `parse_epcis`: its schema is GS1's EPCIS 2.0 JSON Schema and sanzhi's
    rules (ledger.evidence.stated; api.openapi adds them to the document's components)."""
    return {
        "required": True,
        "description": "An EPCIS 2.0 document (JSON-LD) or one event",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}, "example": example}},
    }


EPCIS_EVENTS_BODY = _epcis_body(
    TRADE_BODY,
    {
        "@context": [EPCIS_CONTEXT],
        "type": "ObjectEvent",
        "eventTime": "2026-11-20T09:00:00.000+00:00",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "epcList": ["urn:epc:id:sscc:0614141.7777777777"],
        "bizStep": "loading",
    },
)
EPCIS_DECISIONS_BODY = _epcis_body(
    DECISIONS_BODY,
    {
        "@context": [EPCIS_CONTEXT, {CUSTOMS_PREFIX: CUSTOMS_NAMESPACE}],
        "type": "ObjectEvent",
        "eventTime": "2026-11-24T10:00:00.000+08:00",
        "eventTimeZoneOffset": "+08:00",
        "action": "OBSERVE",
        "epcList": ["urn:epc:id:sscc:0614141.1234567890"],
        "bizStep": f"{CUSTOMS_PREFIX}:BizStep-risk-lane",
        "bizTransactionList": [
            {"type": BTT_DECLARATION, "bizTransaction": "urn:sanzhi:declaration:CN:EXP-2026-000042"}
        ],
        f"{CUSTOMS_PREFIX}:riskLane": {"lane": "green", "ruleSetHash": "0x" + "5a" * 32, "reasons": ["AEO"]},
    },
)
