"""The words the offline parser knows, grouped by what they mean."""

from __future__ import annotations

from llm.text import NUMBER_WORDS

__all__ = ["NUMBER_WORDS"]


DAYS = {
    "monday": "MO",
    "mondays": "MO",
    "mon": "MO",
    "tuesday": "TU",
    "tuesdays": "TU",
    "tue": "TU",
    "tues": "TU",
    "wednesday": "WE",
    "wednesdays": "WE",
    "wed": "WE",
    "thursday": "TH",
    "thursdays": "TH",
    "thu": "TH",
    "thur": "TH",
    "thurs": "TH",
    "friday": "FR",
    "fridays": "FR",
    "fri": "FR",
    "saturday": "SA",
    "saturdays": "SA",
    "sat": "SA",
    "sunday": "SU",
    "sundays": "SU",
    "sun": "SU",
}
DAY_NUMBER = {"SU": 0, "MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6}
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}

# Parts of the day, as the hour they mean when no time is given.
DAY_PARTS = {
    "morning": 9,
    "afternoon": 14,
    "evening": 18,
    "night": 21,
    "noon": 12,
    "midday": 12,
    "midnight": 0,
}

TIMEZONE_ABBREVIATIONS = {
    "et": "America/New_York",
    "est": "America/New_York",
    "edt": "America/New_York",
    "eastern": "America/New_York",
    "ct": "America/Chicago",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "mt": "America/Denver",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "pt": "America/Los_Angeles",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "utc": "UTC",
    "gmt": "UTC",
    "bst": "Europe/London",
    "uk": "Europe/London",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
}

CUSTOMER_NOUNS = frozenset(
    {
        "customer",
        "customers",
        "account",
        "accounts",
        "client",
        "clients",
        "cust",
        "custs",
        "logos",
        "book",
        "portfolio",
        "companies",
        "company",
        "renewals",
        "acct",
        "accts",
    }
)

SEGMENTS = {
    "enterprise": "enterprise",
    "ent": "enterprise",
    "mid-market": "mid-market",
    "midmarket": "mid-market",
    "mm": "mid-market",
    "smb": "smb",
    "smbs": "smb",
    "startup": "startup",
    "startups": "startup",
    "commercial": "commercial",
    "apac": "apac",
    "emea": "emea",
    "amer": "amer",
    "public-sector": "public-sector",
}
TIER_WORDS = frozenset(
    {"gold", "silver", "bronze", "platinum", "strategic", "premium", "standard", "basic", "vip"}
)

# Playbook keywords -> the five built-in slugs (CONTRACTS §5).
PLAYBOOK_KEYWORDS = {
    "renewal": "renewal-90-day",
    "renewals": "renewal-90-day",
    "risk": "risk-mitigation",
    "risk-mitigation": "risk-mitigation",
    "save": "risk-mitigation",
    "churn": "risk-mitigation",
    "expansion": "expansion-opportunity",
    "upsell": "expansion-opportunity",
    "onboarding": "onboarding-30-60-90",
    "qbr": "qbr-preparation",
}

# Words that may be left over without changing the meaning.
FILLER = frozenset(
    """a an the and , . ; : ! ? ( ) please pls automatically auto also then just can could you i want
    would like to for of with on at in is are be been it its that who whose which where their them they
    this these those all any our us we me my some every each time times one ones new so following
    "" kindly go ahead set up""".split()
)
