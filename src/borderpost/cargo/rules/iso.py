"""ISO 3166-1 alpha-3 country codes and ISO 4217 currency codes, as static sets.

Countries from ``documents.icao_codes``; currencies from the Debian iso-codes 4.15 tables,
with XCG and ZWG added since.
Alpha-3 codes in the ranges that ISO 3166 leaves to users (AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ)
are accepted too, so a post can record an origin that has no ISO code without the software
taking a side on it.
"""

from __future__ import annotations

from borderpost.documents.mrz.icao_codes import ISO_3166_ALPHA3

_CURRENCY_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR
    ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD
    MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
    PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL
    THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF
    XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG ZWL
"""

# The countries are the MRZ checker's list (one copy in the project); the currencies are kept
# as text and split once: 180 codes read better as a block than as a list literal.
COUNTRIES: frozenset[str] = ISO_3166_ALPHA3
CURRENCIES: frozenset[str] = frozenset(_CURRENCY_CODES.split())


def is_user_assigned_alpha3(code: str) -> bool:
    """True for the alpha-3 codes ISO 3166 reserves for user assignment."""
    return len(code) == 3 and (
        code[:2] == "AA" or "QMA" <= code <= "QZZ" or code[0] == "X" or code[:2] == "ZZ"
    )


def is_country(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 code, assigned or in a user-assigned range."""
    return code in COUNTRIES or (
        code.isascii() and code.isupper() and is_user_assigned_alpha3(code)
    )


def is_currency(code: str) -> bool:
    """True for an ISO 4217 alphabetic currency code."""
    return code in CURRENCIES
