"""Generated practice data: Danish companies with valid CVR numbers and sickness-benefit claims.

Everything is derived from a seed, so a test, the demo and the benchmark see the same companies.
CVR numbers follow Erhvervsstyrelsen's modulus-11 rule (weights 2,7,6,5,4,3,2,1). CPR numbers
are generated as real-looking dates with a random sequence number and *no* modulus-11 check
digit, as CPR numbers have been issued since 2007.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def is_valid_cvr(value: str) -> bool:
    """Whether ``value`` is eight digits passing the CVR modulus-11 check.

    Args:
        value: the candidate, digits only.

    Returns:
        True when the weighted digit sum is divisible by 11 and the number does not start with 0.
    """
    if len(value) != 8 or not value.isdigit() or value[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def random_cvr(rng: random.Random) -> str:
    """A random, valid CVR number.

    Args:
        rng: the random source (seeded by the caller for reproducible data).

    Returns:
        Eight digits; the last is the modulus-11 check digit.
    """
    while True:
        first = str(rng.randint(1_000_000, 9_999_999))
        remainder = sum(int(d) * w for d, w in zip(first, CVR_WEIGHTS[:7], strict=True)) % 11
        check = (11 - remainder) % 11
        if check < 10:  # remainder 1 → no valid check digit exists
            return first + str(check)


def random_cpr(rng: random.Random, *, born_from: int = 1950, born_to: int = 2004) -> str:
    """A random CPR number ``DDMMYYSSSS`` with a real birth date (no modulus-11 check digit).

    Args:
        rng: the random source.
        born_from: earliest birth year.
        born_to: latest birth year.

    Returns:
        Ten digits whose seventh digit encodes the century consistently with the birth year.
    """
    start = date(born_from, 1, 1)
    born = start + timedelta(days=rng.randrange((date(born_to, 12, 31) - start).days))
    century_digit = rng.choice("0123") if born.year < 2000 else rng.choice("49")
    sequence = century_digit + f"{rng.randrange(1000):03d}"
    return born.strftime("%d%m%y") + sequence


class CompanyStatus(StrEnum):
    """A company's registration status, as the CVR register names it."""

    NORMAL = "NORMAL"
    OPHOERT = "OPHØRT"
    UNDER_KONKURS = "UNDER KONKURS"
    TVANGSOPLOEST = "TVANGSOPLØST"


@dataclass(frozen=True, slots=True)
class Company:
    """One generated company in the practice CVR register."""

    cvr: str
    name: str
    street: str
    postal_code: str
    city: str
    status: CompanyStatus
    industry_code: str
    industry_text: str
    start_date: date

    @property
    def address(self) -> str:
        """Street, postal code and city on one line."""
        return f"{self.street}, {self.postal_code} {self.city}"


_SURNAMES = (
    "Hansen",
    "Jensen",
    "Nielsen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
)
_PREFIXES = ("Nordisk", "Dansk", "Vestjysk", "Fynsk", "Sjællands", "Østjysk", "Lolland", "Himmerlands")
_INDUSTRIES = (
    ("412000", "Opførelse af bygninger", "Byg"),
    ("432100", "El-installation", "El"),
    ("433200", "Tømrer- og bygningssnedkervirksomhed", "Tømrer"),
    ("561010", "Restauranter", "Restaurant"),
    ("812100", "Almindelig rengøring i bygninger", "Rengøring"),
    ("620100", "Computerprogrammering", "Data"),
    ("862100", "Almen lægepraksis", "Lægehus"),
    ("471120", "Supermarkeder", "Købmand"),
    ("494100", "Vejgodstransport", "Transport"),
    ("960210", "Frisørsaloner", "Frisør"),
    ("011100", "Dyrkning af korn", "Landbrug"),
    ("692000", "Bogføring og revision", "Revision"),
)
_FORMS = ("ApS", "A/S", "I/S", "IVS", "K/S")
_STREETS = (
    "Vestergade",
    "Østergade",
    "Nørregade",
    "Søndergade",
    "Algade",
    "Bredgade",
    "Kirkevej",
    "Skolevej",
    "Stationsvej",
    "Industrivej",
    "Møllevej",
    "Havnegade",
    "Strandvejen",
    "Engvej",
)
_CITIES = (
    ("1050", "København K"),
    ("2100", "København Ø"),
    ("2300", "København S"),
    ("4000", "Roskilde"),
    ("5000", "Odense C"),
    ("6000", "Kolding"),
    ("6700", "Esbjerg"),
    ("7100", "Vejle"),
    ("8000", "Aarhus C"),
    ("8600", "Silkeborg"),
    ("8660", "Skanderborg"),
    ("9000", "Aalborg"),
    ("3400", "Hillerød"),
    ("4700", "Næstved"),
    ("6100", "Haderslev"),
    ("8700", "Horsens"),
)
_STATUS_WEIGHTS = (
    (CompanyStatus.NORMAL, 88),
    (CompanyStatus.OPHOERT, 7),
    (CompanyStatus.UNDER_KONKURS, 3),
    (CompanyStatus.TVANGSOPLOEST, 2),
)


def generate_companies(seed: int = 2026, count: int = 500) -> list[Company]:
    """Generate ``count`` distinct companies from ``seed``.

    Args:
        seed: the random seed; the same seed always gives the same companies.
        count: how many companies.

    Returns:
        Companies with unique, valid CVR numbers and unique names.
    """
    rng = random.Random(seed)
    companies: list[Company] = []
    cvrs: set[str] = set()
    names: set[str] = set()
    statuses = [s for s, _ in _STATUS_WEIGHTS]
    weights = [w for _, w in _STATUS_WEIGHTS]
    while len(companies) < count:
        cvr = random_cvr(rng)
        code, text, word = rng.choice(_INDUSTRIES)
        owner = rng.choice(_SURNAMES) if rng.random() < 0.6 else rng.choice(_PREFIXES)
        name = f"{owner} {word} {rng.choice(_FORMS)}"
        if name in names:
            name = f"{owner} & {rng.choice(_SURNAMES)} {word} {rng.choice(_FORMS)}"
        if cvr in cvrs or name in names:
            continue
        cvrs.add(cvr)
        names.add(name)
        postal_code, city = rng.choice(_CITIES)
        companies.append(
            Company(
                cvr=cvr,
                name=name,
                street=f"{rng.choice(_STREETS)} {rng.randint(1, 180)}",
                postal_code=postal_code,
                city=city,
                status=rng.choices(statuses, weights)[0],
                industry_code=code,
                industry_text=text,
                start_date=date(1975, 1, 1) + timedelta(days=rng.randrange(365 * 50)),
            )
        )
    return companies


class Reason(StrEnum):
    """The reasons the refund form offers (option values)."""

    SYGDOM = "sygdom"
    DELVIS = "delvis_sygdom"
    ARBEJDSSKADE = "arbejdsskade"
    GRAVIDITET = "graviditet"


REASON_LABELS_DA: dict[Reason, str] = {
    Reason.SYGDOM: "Sygdom",
    Reason.DELVIS: "Delvis sygemelding",
    Reason.ARBEJDSSKADE: "Arbejdsskade",
    Reason.GRAVIDITET: "Graviditetsbetinget fravær",
}


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One generated refund claim, in the form a case worker's spreadsheet holds it."""

    employer_cvr: str
    employee_cpr: str
    period_from: date
    period_to: date
    hours: Decimal
    amount: Decimal
    reason: Reason


def generate_claims(count: int, *, seed: int = 7, companies: list[Company] | None = None) -> list[ClaimRow]:
    """Generate ``count`` valid claims against the practice companies.

    Args:
        count: how many claims.
        seed: the random seed.
        companies: the employers to use; default ``generate_companies()``.

    Returns:
        Claims with valid CVR and CPR numbers, a period of 1–30 days in 2026, hours and amount.
    """
    rng = random.Random(seed)
    employers = companies or generate_companies()
    claims = []
    for _ in range(count):
        start = date(2026, 1, 5) + timedelta(days=rng.randrange(300))
        days = rng.randint(1, 30)
        hours = Decimal(rng.randint(4, 37 * 4)) / 2
        claims.append(
            ClaimRow(
                employer_cvr=rng.choice(employers).cvr,
                employee_cpr=random_cpr(rng),
                period_from=start,
                period_to=start + timedelta(days=days - 1),
                hours=hours,
                amount=(hours * Decimal(rng.randint(130, 190))).quantize(Decimal("0.01")),
                reason=rng.choice(list(Reason)),
            )
        )
    return claims
