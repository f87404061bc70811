"""Hourly statistics of one replication, compiled with numba (sums, maxima, exact quantiles)."""

from __future__ import annotations

import numpy as np
from numba import njit

# Columns of the per-(lane, hour) sums.
ARRIVALS, SERVED, WAIT_SUM, WAIT_MAX, SOJOURN_SUM, Q_AREA, Q_MAX, BUSY_S, REFERRED, WAIT_SQ = range(
    10
)
N_SUMS = 10
# Columns of the per-(lane, profile hour) quantiles.
P50, P90, P95, SOJOURN_P95 = range(4)
N_QUANTILES = 4


@njit(cache=True, nogil=True)
def _spread(acc: np.ndarray, g: int, col: int, a: float, b: float, n_h: int) -> None:
    """Add the overlap of [a, b) with each hour to ``acc[g, hour, col]`` (seconds)."""
    h = int(a // 3600.0)
    while a < b and h < n_h:
        end = min(b, 3600.0 * (h + 1))
        acc[g, h, col] += end - a
        a = end
        h += 1


@njit(cache=True, nogil=True)
def hourly_sums(
    t: np.ndarray,
    lane: np.ndarray,
    start: np.ndarray,
    service: np.ndarray,
    referred: np.ndarray,
    n_g: int,
    n_h: int,
) -> np.ndarray:
    """Per lane and absolute hour: arrivals (by arrival hour), waits, queue area and maximum,
    busy booth-seconds, referrals."""
    acc = np.zeros((n_g, n_h, N_SUMS), dtype=np.float64)
    n = t.shape[0]
    for i in range(n):
        g = lane[i]
        if g < 0:
            continue
        h = int(t[i] // 3600.0)
        acc[g, h, ARRIVALS] += 1.0
        s = start[i]
        if s == np.inf:
            _spread(acc, g, Q_AREA, t[i], 3600.0 * n_h, n_h)
            continue
        w = s - t[i]
        acc[g, h, SERVED] += 1.0
        acc[g, h, WAIT_SUM] += w
        acc[g, h, WAIT_SQ] += w * w
        acc[g, h, SOJOURN_SUM] += w + service[i]
        if w > acc[g, h, WAIT_MAX]:
            acc[g, h, WAIT_MAX] = w
        if referred[i]:
            acc[g, h, REFERRED] += 1.0
        _spread(acc, g, Q_AREA, t[i], s, n_h)
        _spread(acc, g, BUSY_S, s, s + service[i], n_h)
    # Maximum queue per hour: sweep arrivals (+1) and starts (-1) of each lane in time order.
    # Group the vehicles by lane once (counting sort, arrival order kept within a lane).
    offs = np.zeros(n_g + 1, dtype=np.int64)
    for i in range(n):
        if lane[i] >= 0:
            offs[lane[i] + 1] += 1
    offs = np.cumsum(offs)
    fill = offs[:-1].copy()
    arr_all = np.empty(offs[-1], dtype=np.float64)
    st_all = np.empty(offs[-1], dtype=np.float64)
    for i in range(n):
        g = lane[i]
        if g >= 0:
            arr_all[fill[g]] = t[i]
            st_all[fill[g]] = start[i]
            fill[g] += 1
    for g in range(n_g):
        m = offs[g + 1] - offs[g]
        arr = arr_all[offs[g] : offs[g + 1]]
        st = st_all[offs[g] : offs[g + 1]]
        sorted_already = True  # FIFO lanes start vehicles in arrival order
        for j in range(1, m):
            if st[j] < st[j - 1]:
                sorted_already = False
                break
        if not sorted_already:
            st = np.sort(st)
        q = 0
        ia = 0
        js = 0
        cur_h = 0
        while ia < m or (js < m and st[js] != np.inf):
            if ia < m and (js >= m or arr[ia] < st[js]):
                x = arr[ia]
                dq = 1
                ia += 1
            else:
                x = st[js]
                dq = -1
                js += 1
            h = int(x // 3600.0)
            if h >= n_h:
                break
            while cur_h < h:  # hours without events keep the queue they started with
                cur_h += 1
                if q > acc[g, cur_h, Q_MAX]:
                    acc[g, cur_h, Q_MAX] = q
            q += dq
            if q > acc[g, h, Q_MAX]:
                acc[g, h, Q_MAX] = q
        while cur_h < n_h - 1:
            cur_h += 1
            if q > acc[g, cur_h, Q_MAX]:
                acc[g, cur_h, Q_MAX] = q
    return acc


@njit(cache=True, nogil=True)
def _quantile(sorted_x: np.ndarray, lo: int, n: int, q: float) -> float:
    """Quantile with linear interpolation (numpy's default) of sorted_x[lo:lo + n]."""
    pos = q * (n - 1)
    k = int(pos)
    frac = pos - k
    if k + 1 < n:
        return float(sorted_x[lo + k] * (1.0 - frac) + sorted_x[lo + k + 1] * frac)
    return float(sorted_x[lo + k])


@njit(cache=True, nogil=True)
def profile_quantiles(
    t: np.ndarray,
    lane: np.ndarray,
    start: np.ndarray,
    service: np.ndarray,
    n_g: int,
    period: int,
    first_h: int,
    end_h: int,
) -> np.ndarray:
    """Wait p50/p90/p95 and time-through-primary p95 per lane and profile hour, over vehicles
    arriving in hours [first_h, end_h) that reached a booth. NaN where a bucket is empty."""
    n = t.shape[0]
    n_b = n_g * period
    count = np.zeros(n_b + 1, dtype=np.int64)
    for i in range(n):
        h = int(t[i] // 3600.0)
        if lane[i] < 0 or start[i] == np.inf or h < first_h or h >= end_h:
            continue
        count[lane[i] * period + (h % period) + 1] += 1
    offs = np.cumsum(count)
    fill = offs[:-1].copy()
    waits = np.empty(offs[-1], dtype=np.float64)
    soj = np.empty(offs[-1], dtype=np.float64)
    for i in range(n):
        h = int(t[i] // 3600.0)
        if lane[i] < 0 or start[i] == np.inf or h < first_h or h >= end_h:
            continue
        b = lane[i] * period + (h % period)
        w = start[i] - t[i]
        waits[fill[b]] = w
        soj[fill[b]] = w + service[i]
        fill[b] += 1
    out = np.full((n_g, period, N_QUANTILES), np.nan)
    for b in range(n_b):
        lo = offs[b]
        m = offs[b + 1] - lo
        if m == 0:
            continue
        # Selection (O(m)) of just the ranks the quantiles need, not a full sort.
        ks = np.empty(6, dtype=np.int64)
        for j, q in enumerate((0.50, 0.90, 0.95)):
            k = int(q * (m - 1))
            ks[2 * j] = k
            ks[2 * j + 1] = min(k + 1, m - 1)
        w = np.partition(waits[lo : lo + m], ks)
        so = np.partition(soj[lo : lo + m], ks[4:])
        g = b // period
        p = b % period
        out[g, p, P50] = _quantile(w, 0, m, 0.50)
        out[g, p, P90] = _quantile(w, 0, m, 0.90)
        out[g, p, P95] = _quantile(w, 0, m, 0.95)
        out[g, p, SOJOURN_P95] = _quantile(so, 0, m, 0.95)
    return out
