"""Business steps and event types: CBV 2.0 words, sanzhi's customs steps, and their codes on chain.

One `Step` enum for both vocabularies (documented in docs/formats.md#evidence-events):

- 1..255 are a trade party's steps: the CBV 2.0 business steps 1..41, numbered in the order of
  the EPCIS 2.0 JSON Schema's bizStep list (1..127 are kept for CBV), and sanzhi's party steps
  from 128 (`advance-declaration-filed`).
- 256.. are customs decisions: an event with one of these steps is recorded on chain only with
  a quorum of the deciding administration's oracles.

Numbers never change once anchored; a new step gets a new number.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from ledger.errors import InvalidInput

CBV_BIZSTEP = "https://ref.gs1.org/cbv/BizStep-"
CUSTOMS_NAMESPACE = "https://sanzhi.example/customs/"
"""sanzhi's vocabulary namespace: a neutral IRI the project controls conceptually (a placeholder
under the reserved `.example` domain; nothing is served there and nothing is fetched from it)."""
CUSTOMS_PREFIX = "sanzhi"
CUSTOMS_BIZSTEP = CUSTOMS_NAMESPACE + "BizStep-"
EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
# the draft context URL, which the event hash reference also ships offline
EPCIS_CONTEXT_DRAFT = "https://gs1.github.io/EPCIS/epcis-context.jsonld"
STANDARD_CONTEXTS = (EPCIS_CONTEXT, EPCIS_CONTEXT_DRAFT)
FIRST_CUSTOMS_DECISION = 256


class EventType(IntEnum):
    """The EPCIS event types the ledger records (uint8 on chain)."""

    OBJECT = 0
    AGGREGATION = 1
    TRANSACTION = 2
    TRANSFORMATION = 3

    @property
    def epcis_name(self) -> str:
        """`EventType.OBJECT` -> "ObjectEvent"."""
        return self.name.capitalize() + "Event"


class Step(IntEnum):
    """A business step (uint16 on chain): CBV 2.0 steps, then sanzhi's customs steps."""

    ACCEPTING = 1
    ARRIVING = 2
    ASSEMBLING = 3
    COLLECTING = 4
    COMMISSIONING = 5
    CONSIGNING = 6
    CREATING_CLASS_INSTANCE = 7
    CYCLE_COUNTING = 8
    DECOMMISSIONING = 9
    DEPARTING = 10
    DESTROYING = 11
    DISASSEMBLING = 12
    DISPENSING = 13
    ENCODING = 14
    ENTERING_EXITING = 15
    HOLDING = 16
    INSPECTING = 17
    INSTALLING = 18
    KILLING = 19
    LOADING = 20
    OTHER = 21
    PACKING = 22
    PICKING = 23
    RECEIVING = 24
    REMOVING = 25
    REPACKAGING = 26
    REPAIRING = 27
    REPLACING = 28
    RESERVING = 29
    RETAIL_SELLING = 30
    SHIPPING = 31
    STAGING_OUTBOUND = 32
    STOCK_TAKING = 33
    STOCKING = 34
    STORING = 35
    TRANSPORTING = 36
    UNLOADING = 37
    UNPACKING = 38
    VOID_SHIPPING = 39
    SENSOR_REPORTING = 40
    SAMPLING = 41
    # sanzhi: a trade party's steps
    ADVANCE_DECLARATION_FILED = 128
    # sanzhi: customs decisions (need an oracle quorum on chain)
    PRE_REVIEW_RESULT = 256
    RISK_LANE = 257
    INSPECTION_RESULT = 258
    INSPECTION_RESULT_ACCEPTED = 259
    RELEASE = 260

    @property
    def is_cbv(self) -> bool:
        return self.value < 128

    @property
    def is_customs_decision(self) -> bool:
        """True for the steps only a customs administration decides (an oracle quorum on chain)."""
        return self.value >= FIRST_CUSTOMS_DECISION

    @property
    def slug(self) -> str:
        """The word in its vocabulary: CBV's (`retail_selling`) or sanzhi's (`risk-lane`)."""
        name = self.name.lower()
        return name if self.is_cbv else name.replace("_", "-")

    @property
    def uri(self) -> str:
        """`https://ref.gs1.org/cbv/BizStep-shipping`, `https://sanzhi.example/customs/BizStep-risk-lane`."""
        return (CBV_BIZSTEP if self.is_cbv else CUSTOMS_BIZSTEP) + self.slug


CUSTOMS_DECISIONS: frozenset[Step] = frozenset(step for step in Step if step.is_customs_decision)
# loading and unloading may carry remote-supervision media
SUPERVISED_STEPS: frozenset[Step] = frozenset({Step.LOADING, Step.UNLOADING})


def step_of(biz_step: str, prefixes: dict[str, str] | None = None) -> Step:
    """The Step a bizStep value names: a bare CBV word (`shipping`), a CBV URI, a sanzhi URI, or
    a compact IRI whose prefix `prefixes` maps (`sanzhi:BizStep-risk-lane`)."""
    value = expand_iri(biz_step, prefixes or {})
    found: Step | None = _CBV_WORDS.get(value)
    if value.startswith(CBV_BIZSTEP):
        found = _CBV_WORDS.get(value[len(CBV_BIZSTEP) :])
    elif value.startswith(CUSTOMS_BIZSTEP):
        found = _CUSTOMS_WORDS.get(value[len(CUSTOMS_BIZSTEP) :])
    if found is not None:
        return found
    raise InvalidInput(
        f"unknown business step {biz_step!r} (a CBV 2.0 step, as its word or its URI, or a sanzhi customs step, "
        f"as its URI or {CUSTOMS_PREFIX}:BizStep-<step>)",
        path="bizStep",
    )


def expand_iri(value: str, prefixes: dict[str, str]) -> str:
    """`sanzhi:riskLane` -> `https://sanzhi.example/customs/riskLane` when `sanzhi` is a prefix."""
    prefix, colon, rest = value.partition(":")
    if colon and prefix in prefixes and not rest.startswith("//"):
        return prefixes[prefix] + rest
    return value


def step_name(code: int) -> str:
    """The word of step `code` (`risk-lane`), or the number as text for a code this version
    does not know."""
    try:
        return Step(code).slug
    except ValueError:
        return str(code)


def event_type_of(name: str) -> EventType:
    """The EventType of an EPCIS `type` value ("ObjectEvent" ...)."""
    for kind in EventType:
        if kind.epcis_name == name:
            return kind
    known = ", ".join(kind.epcis_name for kind in EventType)
    raise InvalidInput(f"the ledger records {known}, not {name!r}", path="type")


_CBV_WORDS: dict[str, Step] = {step.slug: step for step in Step if step.is_cbv}
_CUSTOMS_WORDS: dict[str, Step] = {step.slug: step for step in Step if not step.is_cbv}


class Side(IntEnum):
    """Whose side of the border an entry is (uint8 on chain): a decision is its deciding
    member's; a trade entry is that of the customs key that appended it, or a party's."""

    PARTY = 0
    EXPORT = 1
    IMPORT = 2

    @property
    def label(self) -> str:
        """`party`, `export` (the origin member's), `import` (the destination member's)."""
        return self.name.lower()


class PartyRole(StrEnum):
    """What a party of a consignment is (shown with it; roles do not limit steps)."""

    OPENER = "opener"
    PARTY = "party"  # named without a role
    CONSIGNOR = "consignor"
    CONSIGNEE = "consignee"
    DECLARANT = "declarant"
    BROKER = "broker"
    CARRIER = "carrier"
    FORWARDER = "forwarder"
    NOTIFY_PARTY = "notify-party"
    WAREHOUSE = "warehouse"
    LABORATORY = "laboratory"
    INSPECTOR = "inspector"

    @property
    def on_chain(self) -> bytes:
        """bytes32 of the role's text, left-aligned."""
        return self.value.encode("ascii").ljust(32, b"\0")

    @classmethod
    def parse(cls, text: str) -> PartyRole:
        try:
            return cls(text.strip().lower())
        except ValueError:
            known = ", ".join(role.value for role in cls)
            raise InvalidInput(f"unknown party role {text!r} (one of {known})", path="role") from None

    @classmethod
    def from_chain(cls, raw: bytes) -> str:
        """The role's text as recorded (a role this version does not know is shown as written)."""
        return raw.rstrip(b"\0").decode("ascii", errors="replace")
