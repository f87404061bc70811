"""Local time at a port across daylight-saving changes (U.S. 2025: 9 March and 2 November)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from smartborder.errors import InvalidInput
from smartborder.ports import InvalidLocalTime, get_port, to_local, to_utc


def test_san_ysidro_springs_forward_at_2am_local_on_2025_03_09() -> None:
    before = datetime(2025, 3, 9, 9, 59, tzinfo=UTC)
    after = before + timedelta(minutes=1)
    assert to_local(before, "2504").strftime("%H:%M %Z") == "01:59 PST"
    assert to_local(after, "2504").strftime("%H:%M %Z") == "03:00 PDT"


def test_arizona_keeps_standard_time_through_the_dst_change() -> None:
    instant = datetime(2025, 3, 9, 10, 0, tzinfo=UTC)
    assert to_local(instant, "2604").utcoffset() == timedelta(hours=-7)
    assert to_local(instant + timedelta(days=200), "2604").utcoffset() == timedelta(hours=-7)


def test_el_paso_is_mountain_and_presidio_central() -> None:
    instant = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
    assert to_local(instant, get_port("2402")).hour == 6
    assert to_local(instant, "2403").hour == 7


def test_the_repeated_hour_in_november_resolves_by_fold() -> None:
    first = datetime(2025, 11, 2, 1, 30)
    second = first.replace(fold=1)
    assert to_utc(first, "2304") == datetime(2025, 11, 2, 6, 30, tzinfo=UTC)
    assert to_utc(second, "2304") == datetime(2025, 11, 2, 7, 30, tzinfo=UTC)
    assert to_local(to_utc(second, "2304"), "2304").fold == 1


def test_round_trip_hour_by_hour_across_both_changes() -> None:
    start = datetime(2025, 3, 8, tzinfo=UTC)
    for hours in range(24 * 250):
        instant = start + timedelta(hours=hours)
        local = to_local(instant, "2504")
        assert to_utc(local.replace(tzinfo=None, fold=local.fold), "2504") == instant


def test_a_skipped_local_time_is_refused() -> None:
    with pytest.raises(InvalidLocalTime) as info:
        to_utc(datetime(2025, 3, 9, 2, 30), "2504")
    assert info.value.code == "ports.invalid_local_time"
    assert "UTC" in info.value.message.en and "UTC" in info.value.message.es


def test_naive_utc_is_refused_and_aware_local_is_converted() -> None:
    with pytest.raises(InvalidInput) as info:
        to_local(datetime(2025, 3, 9, 10, 0), "2504")
    assert info.value.code == "ports.naive_datetime"
    aware = datetime(2025, 3, 9, 10, 0, tzinfo=UTC)
    assert to_utc(to_local(aware, "2504"), "2504") == aware
