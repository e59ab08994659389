"""The three-letter codes a travel document may carry as issuer or nationality.

ICAO Doc 9303 Part 3, section 5 ("Codes for the designation of the issuing State or
organization and of the nationality of the holder") allows:

* every ISO 3166-1 alpha-3 code (Part A of that section), generated here from the
  `pycountry` package (``python -m borderpost.documents.mrz.icao_codes`` prints a fresh list;
  a unit test compares the two whenever pycountry is installed);
* ``D`` for Germany, written ``D<<`` in the MRZ (Part A);
* codes reserved by the ISO 3166 maintenance agency for ICAO use (Part B): the five
  British nationality categories and the European Union;
* codes of the United Nations and its agencies (Part C);
* codes of other issuing organizations (Part D);
* codes for persons without a nationality, or whose nationality is not specified (Part E).

Two further codes are accepted on purpose and kept apart so callers can tell them from
Doc 9303's own list: ``RKS`` (Kosovo, printed on passports of the Republic of Kosovo though
not listed in Doc 9303) and ``UTO`` (Utopia, the imaginary State of every Doc 9303 specimen;
the parser flags it as a specimen so an officer never mistakes one for a real document).

``DEU`` stays accepted as the ISO code it is, though Doc 9303 writes Germany ``D``: it is
unambiguous, and refusing it would refuse a document for a style point.

Codes proposed for this list but not found in Doc 9303 Part 3 (``XSA``, ``XSM``) are left out
until someone shows them in the published text.
"""

from __future__ import annotations

import importlib

#: ISO 3166-1 alpha-3, as published by pycountry 26.2.16 (249 codes).
ISO_3166_ALPHA3: frozenset[str] = frozenset(
    """
    ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD
    BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR
    COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH
    ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL
    GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR
    JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR
    MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL
    NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY
    PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP
    SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA
    UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
    """.split()  # noqa: SIM905 - kept as a block that reads like the ISO table
)

#: Doc 9303 Part 3 codes that are not ISO 3166-1 alpha-3, with what each designates.
ICAO_SPECIAL_CODES: dict[str, str] = {
    # Part A: Germany uses a one-letter code, padded with fillers in the MRZ.
    "D": "Germany",
    # Part B: reserved by the ISO 3166 maintenance agency.
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "EUE": "European Union",
    # Part C: the United Nations.
    "UNO": "United Nations Organization",
    "UNA": "specialized agency of the United Nations",
    "UNK": "resident of Kosovo documented by the UN Interim Administration Mission in Kosovo",
    # Part D: other issuing organizations.
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XEC": "Economic Community of West African States",
    "XPO": "International Criminal Police Organization (INTERPOL)",
    "XES": "Organisation of Eastern Caribbean States",
    "XMP": "Parliamentary Assembly of the Mediterranean",
    "XOM": "Sovereign Military Order of Malta",
    "XDC": "Southern African Development Community",
    # Part E: nationality not that of a State.
    "XXA": "stateless person (1954 Convention)",
    "XXB": "refugee (1951 Convention)",
    "XXC": "refugee, other than under the 1951 Convention",
    "XXX": "person of unspecified nationality",
}

#: Accepted though not in Doc 9303 Part 3 (see the module docstring).
PRACTICE_CODES: dict[str, str] = {
    "RKS": "Kosovo",
}

#: The imaginary State of the Doc 9303 specimens.
SPECIMEN_CODE = "UTO"

#: Every code the parser accepts as issuer or nationality, specimen code included.
KNOWN_CODES: frozenset[str] = (
    ISO_3166_ALPHA3 | frozenset(ICAO_SPECIAL_CODES) | frozenset(PRACTICE_CODES) | {SPECIMEN_CODE}
)


def is_known_code(code: str) -> bool:
    """Return True if ``code`` (fillers already stripped, e.g. ``"D"``) is an accepted code."""
    return code in KNOWN_CODES


def iso_codes_from_pycountry() -> frozenset[str]:
    """Return the ISO 3166-1 alpha-3 codes of the installed pycountry (a development aid).

    Raises ImportError when pycountry is not installed; nothing at run time needs it.
    """
    # Optional, for development only: imported here, never at import time, and by name so
    # that type checking does not need it installed.
    pycountry = importlib.import_module("pycountry")

    return frozenset(country.alpha_3 for country in pycountry.countries)


if __name__ == "__main__":
    import textwrap

    print(textwrap.fill(" ".join(sorted(iso_codes_from_pycountry())), 92))
