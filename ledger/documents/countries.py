"""ISO 3166-1 alpha-2 country codes (officially assigned)."""

from __future__ import annotations

from functools import cache

from ledger.patterns import either_case

ISO_3166_ALPHA2: frozenset[str] = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 -- a code table reads better as text
)


def country_name(code: str, language: str = "en") -> str:
    """The country's short name in `language` (CLDR, through Babel: "CN" -> "China" / "中国"),
    or the code itself where CLDR has no name for it."""
    return _names(language).get(code, code)


@cache
def _names(language: str) -> dict[str, str]:
    from babel import Locale  # loads CLDR data; only readers of documents need it

    return dict(Locale.parse(language).territories)


def country_group(*, any_case: bool = True) -> str:
    """The codes as a regular expression group, either case: (?:[Aa][DEFG...]|[Bb][...]|...);
    upper case only: (?:A[DEFG...]|B[...]|...)."""
    by_first: dict[str, str] = {}
    for code in sorted(ISO_3166_ALPHA2):
        by_first[code[0]] = by_first.get(code[0], "") + code[1]
    if any_case:
        return "(?:" + "|".join(either_case(a) + either_case(b) for a, b in by_first.items()) + ")"
    return "(?:" + "|".join(f"{a}[{b}]" for a, b in by_first.items()) + ")"


COUNTRY_PATTERN = f"^{country_group()}$"
"""An ISO 3166-1 alpha-2 code in either case, as the API's document states it."""
UPPER_COUNTRY_PATTERN = f"^{country_group(any_case=False)}$"
"""An ISO 3166-1 alpha-2 code in upper case, as a trade document states it."""
