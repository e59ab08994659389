"""ISO 3166-1 alpha-3 country codes and ISO 4217 currency codes, as static sets.

Taken from the Debian iso-codes 4.15 tables, with the currency codes XCG and ZWG added since.
Alpha-3 codes in the ranges that ISO 3166 leaves to users (AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ)
are accepted too, so a post can record an origin that has no ISO code without the software
taking a side on it.
"""

from __future__ import annotations

_COUNTRY_CODES = """
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
"""

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

# Kept as text and split once: 400 codes read better as a block than as a list literal.
COUNTRIES: frozenset[str] = frozenset(_COUNTRY_CODES.split())
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
