"""IANA timezone names and city names ("London time") -> IANA zones."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones


@lru_cache(maxsize=1)
def _zones() -> tuple[dict[str, str], dict[str, str]]:
    by_name: dict[str, str] = {}
    by_city: dict[str, str] = {}
    for zone in available_timezones():
        by_name[zone.lower()] = zone
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            city = zone.rsplit("/", 1)[1].lower()
            by_city.setdefault(city, zone)
    return by_name, by_city


def iana_zone(text: str) -> str | None:
    return _zones()[0].get(text.lower())


def city_zone(city: str) -> str | None:
    """'london' -> Europe/London, 'new_york' -> America/New_York."""
    return _zones()[1].get(city.lower().replace(" ", "_"))
