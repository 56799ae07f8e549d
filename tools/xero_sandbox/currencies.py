"""ISO 4217 codes Xero knows (the spec's CurrencyCode enum), names and sample rates.

Rates stand in for the XE.com day rate Xero uses when a document or payment in a
foreign currency comes without ``CurrencyRate``. They are fixed sample figures
(units per US dollar), not market data; seeds can set an organisation's own.
"""

from decimal import Decimal

CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
    BSD BTN BWP BYN BYR BZD CAD CDF CHF CLF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK
    DOP DZD EEK EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK
    HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
    LAK LBP LKR LRD LSL LTL LVL LYD MAD MDL MGA MKD MMK MNT MOP MRO MRU MUR MVR MWK
    MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON
    RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SKK SLE SLL SOS SRD STD STN SVC SYP SZL
    THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VEF VES VND VUV WST XAF
    XCD XOF XPF YER ZAR ZMW ZMK ZWD
    """.split()
)

# code: (description, units per US dollar)
KNOWN = {
    "AED": ("United Arab Emirates Dirham", "3.6725"),
    "AUD": ("Australian Dollar", "1.52"),
    "BRL": ("Brazilian Real", "5.10"),
    "CAD": ("Canadian Dollar", "1.36"),
    "CHF": ("Swiss Franc", "0.88"),
    "CNY": ("Chinese Yuan", "7.20"),
    "CZK": ("Czech Koruna", "23.00"),
    "DKK": ("Danish Krone", "6.85"),
    "EUR": ("Euro", "0.92"),
    "FJD": ("Fiji Dollar", "2.25"),
    "GBP": ("British Pound", "0.79"),
    "HKD": ("Hong Kong Dollar", "7.82"),
    "HUF": ("Hungarian Forint", "360.00"),
    "IDR": ("Indonesian Rupiah", "15800.00"),
    "ILS": ("Israeli New Shekel", "3.70"),
    "INR": ("Indian Rupee", "83.00"),
    "JPY": ("Japanese Yen", "150.00"),
    "KRW": ("South Korean Won", "1330.00"),
    "MXN": ("Mexican Peso", "17.00"),
    "MYR": ("Malaysian Ringgit", "4.70"),
    "NOK": ("Norwegian Krone", "10.60"),
    "NZD": ("New Zealand Dollar", "1.65"),
    "PGK": ("Papua New Guinean Kina", "3.75"),
    "PHP": ("Philippine Peso", "56.00"),
    "PLN": ("Polish Zloty", "4.00"),
    "SAR": ("Saudi Riyal", "3.75"),
    "SEK": ("Swedish Krona", "10.50"),
    "SGD": ("Singapore Dollar", "1.34"),
    "THB": ("Thai Baht", "36.00"),
    "TOP": ("Tongan Pa'anga", "2.35"),
    "TWD": ("New Taiwan Dollar", "31.50"),
    "USD": ("United States Dollar", "1"),
    "VND": ("Vietnamese Dong", "24500.00"),
    "WST": ("Samoan Tala", "2.70"),
    "XPF": ("CFP Franc", "110.00"),
    "ZAR": ("South African Rand", "18.50"),
}

# Enabled in a seeded organisation that does not list its own ``Currencies``.
DEFAULT_ENABLED = ("AUD", "EUR", "GBP", "NZD", "USD")


def description(code):
    return KNOWN.get(code, (code, "1"))[0]


def sample_rate(base, code):
    """Units of ``code`` per unit of ``base`` (Xero's CurrencyRate), 6 dp."""
    if base == code:
        return Decimal(1)
    per_usd_code = Decimal(KNOWN.get(code, ("", "1"))[1])
    per_usd_base = Decimal(KNOWN.get(base, ("", "1"))[1])
    return (per_usd_code / per_usd_base).quantize(Decimal("0.000001"))
