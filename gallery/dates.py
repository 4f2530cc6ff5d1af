"""Dates staff type and files carry: within the years a photo story can mean.

Far outside them, a time moved into the site's zone (the admin's lists, its date
filters) runs off the calendar Python and PostgreSQL can hold, and a whole page
fails; year 1 is a typo, not an archive photo (photography began in the 1820s).
"""

import datetime as dt

from django.core.exceptions import ValidationError

FIRST_YEAR, LAST_YEAR = 1800, 2999


def is_within_years(value) -> bool:
    # A time is judged in UTC, as it is stored and as bundles carry it: 1 January 1800
    # at midnight in Kyiv is still 1799 there, and a story saved must export and come back.
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        try:
            value = value.astimezone(dt.UTC)
        except OverflowError:  # Year 1 east of UTC, year 9999 west of it.
            return False
    return FIRST_YEAR <= value.year <= LAST_YEAR


def refuse_far_dates(value) -> None:
    """A validator for date and time fields."""
    if value is not None and not is_within_years(value):
        raise ValidationError(
            f"Give a date between the years {FIRST_YEAR} and {LAST_YEAR}.", code="far_date"
        )
