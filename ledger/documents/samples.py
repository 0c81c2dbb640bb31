"""Realistic, varied sample documents (deterministic per seed) for trials and benchmarks."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ledger.documents.common import Document
from ledger.documents.registry import document_model
from ledger.errors import InvalidInput
from ledger.ids import CertificateType

Trader = tuple[str, str, str, str, str, str]
# (country, company name, street, city, postcode, port UN/LOCODE)
_TRADERS: list[tuple[str, str, str, str, str, str]] = [
    ("CN", "广东华美进出口有限公司", "天河区珠江新城华夏路8号", "广州", "510623", "CNCAN"),
    ("CN", "浙江宁波远洋贸易有限公司", "鄞州区宁南北路1188号", "宁波", "315100", "CNNGB"),
    (
        "CN",
        "Shanghai Oriental Machinery Co., Ltd.",
        "1500 Century Avenue",
        "Shanghai",
        "200122",
        "CNSHA",
    ),
    ("CN", "厦门海鑫食品有限公司", "湖里区象屿路97号", "厦门", "361006", "CNXMN"),
    ("TH", "บริษัท สยามอะกริฟู้ด จำกัด", "99 ถนนสุขุมวิท แขวงคลองเตย", "กรุงเทพมหานคร", "10110", "THBKK"),
    ("TH", "บริษัท ทุเรียนทองส่งออก จำกัด (มหาชน)", "12 หมู่ 3 ตำบลท่าช้าง", "จันทบุรี", "22000", "THLCH"),
    (
        "AE",
        "شركة الخليج للتجارة العامة ذ.م.م",
        "شارع الشيخ زايد، برج الإمارات",
        "دبي",
        "00000",
        "AEJEA",
    ),
    ("SA", "شركة التمور الذهبية المحدودة", "طريق الملك فهد", "الرياض", "11564", "SAJED"),
    ("SG", "Lion City Logistics Pte. Ltd.", "10 Anson Road #22-02", "Singapore", "079903", "SGSIN"),
    (
        "MY",
        "Syarikat Sawit Makmur Sdn. Bhd.",
        "Jalan Klang Lama 45",
        "Kuala Lumpur",
        "58000",
        "MYPKG",
    ),
    ("VN", "Công ty TNHH Cà phê Tây Nguyên", "123 Lê Duẩn", "Buôn Ma Thuột", "630000", "VNSGN"),
    ("ID", "PT Karet Nusantara Tbk", "Jl. Jenderal Sudirman Kav. 52", "Jakarta", "12190", "IDTPP"),
    ("JP", "株式会社東洋商事", "千代田区丸の内1-1-1", "東京", "100-0005", "JPTYO"),
    ("KR", "한빛무역 주식회사", "중구 세종대로 110", "서울", "04524", "KRPUS"),
    ("AU", "Southern Cross Produce Pty Ltd", "200 George Street", "Sydney", "2000", "AUSYD"),
    ("NZ", "Kiwi Orchards Limited", "15 Customs Street East", "Auckland", "1010", "NZAKL"),
]
_AUTHORITIES: dict[str, str] = {
    "CN": "中华人民共和国海关总署 (GACC)",
    "TH": "กรมการค้าต่างประเทศ (Department of Foreign Trade)",
    "AE": "وزارة الاقتصاد (Ministry of Economy)",
    "SA": "الهيئة العامة للتجارة الخارجية (General Authority of Foreign Trade)",
    "SG": "Singapore Customs",
    "MY": "Ministry of Investment, Trade and Industry",
    "VN": "Bộ Công Thương (Ministry of Industry and Trade)",
    "ID": "Kementerian Perdagangan (Ministry of Trade)",
    "JP": "日本商工会議所 (Japan Chamber of Commerce and Industry)",
    "KR": "관세청 (Korea Customs Service)",
    "AU": "Australian Chamber of Commerce and Industry",
    "NZ": "New Zealand Customs Service",
}
_ASEAN = {"TH", "SG", "MY", "VN", "ID"}
_RCEP = _ASEAN | {"CN", "JP", "KR", "AU", "NZ"}
# (HS code, description, unit)
_GOODS: list[tuple[str, str, str]] = [
    ("090111", "Coffee, not roasted, not decaffeinated / 未焙炒咖啡", "KGM"),
    ("081060", "Fresh durians / ทุเรียนสด", "KGM"),
    ("080410", "Dates, fresh or dried / تمور", "KGM"),
    ("030617", "Frozen shrimps and prawns / 冻虾", "KGM"),
    ("400122", "Technically specified natural rubber (TSNR 20)", "KGM"),
    ("100630", "Wholly milled jasmine rice / ข้าวหอมมะลิ", "TNE"),
    ("151110", "Crude palm oil", "TNE"),
    ("220421", "Red wine in containers of 2 l or less", "LTR"),
    ("851713", "Smartphones / 智能手机", "H87"),
    ("847130", "Portable computers, weight not more than 10 kg", "H87"),
    ("9403600010", "Wooden bedroom furniture / 木制卧室家具", "H87"),
    ("87032310", "Passenger cars, 1500-3000 cc", "C62"),
]
_VESSELS = ["COSCO SHIPPING ARIES", "EVER GIVEN", "MAERSK SEMARANG", "ONE APUS", "WAN HAI 351"]
_CRITERIA = {"RCEP": ["WO", "PE", "CTH", "RVC40"], "ACFTA-FORM-E": ["WO", "RVC40", "CTH", "PSR"]}
_PLANTS = [
    ("Durio zibethinus", "Durian / ทุเรียน", "Fresh durian fruit", "081060"),
    ("Musa acuminata", "Banana / 香蕉", "Fresh bananas, green", "080390"),
    ("Mangifera indica", "Mango / มะม่วง", "Fresh mangoes", "080450"),
    ("Phoenix dactylifera", "Date palm / نخيل التمر", "Dried dates", "080410"),
    ("Litchi chinensis", "Lychee / 荔枝", "Fresh lychees", "081090"),
    ("Oryza sativa", "Rice / ข้าว", "Milled rice for consumption", "100630"),
    ("Malus domestica", "Apple", "Fresh apples", "080810"),
    ("Coffea arabica", "Arabica coffee", "Green coffee beans", "090111"),
]
_TREATMENTS: list[dict[str, Any]] = [
    {
        "type": "fumigation",
        "chemical": "methyl bromide",
        "concentration": "48 g/m3",
        "duration": "24 h",
        "temperature": "21 C",
    },
    {"type": "cold treatment", "duration": "15 d", "temperature": "1.1 C"},
    {"type": "vapour heat treatment", "duration": "20 min", "temperature": "46.5 C"},
]
_DECLARATIONS = [
    "The consignment was inspected and found free from Bactrocera dorsalis.",
    "经检疫未发现检疫性有害生物。",
    "ผ่านการตรวจสอบและปลอดศัตรูพืชกักกัน",
    "تم فحص الإرسالية ووجدت خالية من الآفات الحجرية.",
]


def generate_samples(
    doc_type: str,
    count: int,
    seed: int,
    *,
    today: dt.date | None = None,
    origin: str | None = None,
    destination: str | None = None,
) -> list[Document]:
    """`count` valid documents of `doc_type`; the same seed and day give the same documents.

    Dates are recent relative to `today` (default: the current UTC date), so fresh samples
    are not already expired when someone tries the system with them.
    """
    builders: dict[str, Callable[[random.Random, int, dt.date, _Route], dict[str, Any]]] = {
        CertificateType.CERTIFICATE_OF_ORIGIN: _certificate_of_origin,
        CertificateType.PHYTOSANITARY_CERTIFICATE: _phytosanitary,
    }
    if doc_type not in builders:
        document_model(doc_type)  # raises InvalidInput naming the known types
    if count < 0:
        raise InvalidInput("count must not be negative", path="count")
    model = document_model(doc_type)
    rng = random.Random(seed)
    base = today or dt.datetime.now(dt.UTC).date()
    route = _Route(_traders(origin, "origin"), _traders(destination, "destination"))
    if origin and destination and origin.upper() == destination.upper():
        raise InvalidInput("origin and destination must differ", path="destination")
    return [model.model_validate(builders[doc_type](rng, n, base, route)) for n in range(count)]


@dataclass(frozen=True)
class _Route:
    """The sample traders to draw exporters and importers from."""

    exporters: list[tuple[str, str, str, str, str, str]]
    importers: list[tuple[str, str, str, str, str, str]]

    def pick(
        self, rng: random.Random
    ) -> tuple[tuple[str, str, str, str, str, str], tuple[str, str, str, str, str, str]]:
        exporter = rng.choice(self.exporters)
        importer = rng.choice([t for t in self.importers if t[0] != exporter[0]])
        return exporter, importer


def _traders(country: str | None, path: str) -> list[tuple[str, str, str, str, str, str]]:
    if country is None:
        return _TRADERS
    chosen = [t for t in _TRADERS if t[0] == country.strip().upper()]
    if not chosen:
        known = ", ".join(sorted({t[0] for t in _TRADERS}))
        raise InvalidInput(f"no sample traders in {country!r}; one of {known}", path=path)
    return chosen


def _party(trader: tuple[str, str, str, str, str, str], rng: random.Random) -> dict[str, Any]:
    country, name, line, city, postcode, _ = trader
    return {
        "name": name,
        "identifier": f"{country}{rng.randrange(10**9, 10**10)}",
        "address": {"line": line, "city": city, "postcode": postcode, "country": country},
    }


def _quantity(rng: random.Random, unit: str) -> str:
    if unit in {"H87", "C62"}:
        return str(rng.randint(1, 5000))
    return str(Decimal(rng.randint(1, 50_000_000)) / 1000)


def _dates(rng: random.Random, today: dt.date) -> tuple[dt.date, dt.date | None]:
    issued = today - dt.timedelta(days=rng.randrange(90))
    expiry = issued + dt.timedelta(days=365) if rng.random() < 0.7 else None
    return issued, expiry


def _certificate_of_origin(rng: random.Random, n: int, today: dt.date, route: _Route) -> dict[str, Any]:
    exporter, importer = route.pick(rng)
    origin, destination = exporter[0], importer[0]
    if {origin, destination} <= _RCEP:
        china_asean = {origin, destination} & {"CN"} and {origin, destination} & _ASEAN
        agreement = "ACFTA-FORM-E" if china_asean and rng.random() < 0.5 else "RCEP"
    else:
        agreement = "NON-PREFERENTIAL"
    criteria = _CRITERIA.get(agreement, ["WO"])
    first = rng.choice(_GOODS)
    same_unit = [g for g in _GOODS if g[2] == first[2]]
    goods = [first] + [rng.choice(same_unit) for _ in range(rng.randint(0, 4))]
    issued, expiry = _dates(rng, today)
    return {
        # the seed's draw keeps numbers of different sample sets apart: a number is issued once
        "certificate_number": f"{origin}{issued.year}{agreement[:4]}{rng.randrange(10**6):06d}{n:06d}",
        "trade_agreement": agreement,
        "exporter": _party(exporter, rng),
        "producer": _party(exporter, rng) if rng.random() < 0.5 else None,
        "importer": _party(importer, rng),
        "origin_country": origin,
        "destination_country": destination,
        "transport": {
            "mode_code": 1,
            "conveyance_name": rng.choice(_VESSELS),
            "conveyance_reference": f"{rng.randint(1, 999):03d}{rng.choice('NSEW')}",
            "departure_date": (issued + dt.timedelta(days=rng.randint(1, 10))).isoformat(),
            "loading_location": exporter[5],
            "discharge_location": importer[5],
        },
        "items": [
            {
                "hs_code": hs,
                "description": description,
                "quantity": _quantity(rng, unit),
                "unit_code": unit,
                "origin_criterion": rng.choice(criteria),
                "marks": f"N/M {index + 1}" if rng.random() < 0.5 else None,
            }
            for index, (hs, description, unit) in enumerate(goods)
        ],
        "invoice": {
            "number": f"INV-{rng.randrange(10**6):06d}",
            "date": (issued - dt.timedelta(days=rng.randint(0, 20))).isoformat(),
        },
        "issuing_authority": {
            "name": _AUTHORITIES.get(origin, f"Customs administration of {origin}"),
            "country": origin,
        },
        "issue_date": issued.isoformat(),
        "expiry_date": expiry.isoformat() if expiry else None,
        "remarks": None if rng.random() < 0.8 else "Third-party invoicing / 第三方发票",
    }


def _phytosanitary(rng: random.Random, n: int, today: dt.date, route: _Route) -> dict[str, Any]:
    consignor, consignee = route.pick(rng)
    issued, expiry = _dates(rng, today)
    unit = rng.choice(["KGM", "TNE"])
    plants = [rng.choice(_PLANTS) for _ in range(rng.randint(1, 3))]
    treatments = rng.sample(_TREATMENTS, rng.randint(0, 2))
    return {
        "certificate_number": f"EPHYTO-{consignor[0]}-{issued.year}-{rng.randrange(10**6):06d}{n:06d}",
        "issuing_authority": {
            "name": f"National Plant Protection Organization of {consignor[0]}",
            "country": consignor[0],
        },
        "consignor": _party(consignor, rng),
        "consignee": _party(consignee, rng),
        "export_country": consignor[0],
        "import_country": consignee[0],
        "point_of_entry": consignee[5],
        "declared_means_of_conveyance": {"mode_code": 1, "name": rng.choice(_VESSELS)},
        "distinguishing_marks": f"LOT {rng.randrange(10**5):05d}",
        "items": [
            {
                "botanical_name": botanical,
                "common_name": common,
                "description": description,
                "hs_code": hs,
                "quantity": _quantity(rng, unit),
                "unit_code": unit,
                "place_of_origin": {"country": consignor[0], "region": consignor[3]},
                "packages": f"{rng.randint(10, 2000)} cartons",
            }
            for botanical, common, description, hs in plants
        ],
        "treatments": [{**treatment, "date": (issued - dt.timedelta(days=2)).isoformat()} for treatment in treatments],
        "additional_declaration": rng.choice(_DECLARATIONS),
        "inspection_date": (issued - dt.timedelta(days=1)).isoformat(),
        "place_of_issue": consignor[3],
        "authorized_officer": rng.choice(["王丽", "สมชาย ใจดี", "أحمد الحربي", "Tan Wei Ming"]),
        "issue_date": issued.isoformat(),
        "expiry_date": (issued + dt.timedelta(days=14)).isoformat() if expiry else None,
    }
