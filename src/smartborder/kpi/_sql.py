"""The SQL text of the KPI engine's two large queries (DuckDB dialect), kept apart from the
engine so each reads in one sitting. Identifiers come only from the engine's whitelists;
values are bound parameters in ``where``."""

from __future__ import annotations

TRUSTED = ("trusted_traveler", "commercial_trusted")


def waits_sql(*, select_keys: str, key_names: list[str], where: str, same_mode: bool) -> str:
    """Wait KPIs from BWT readings. Within one mode the primary time is a constant, so the p95
    travel time is the p95 wait plus it: one sort per group instead of two."""
    keys = bool(key_names)
    travel_p95 = "(q[2] + primary_mean)" if same_mode else "travel_p95"
    return f"""
        WITH r AS (
            SELECT r.*, c.port_code,
                   m.primary_min, m.co2_g_per_min, m.nox_g_per_min, m.pm25_g_per_min,
                   r.delay_min + m.primary_min AS travel_min,
                   coalesce(r.lanes_open, 0) * (60.0 / m.primary_min) * r.delay_min AS veh_min
            FROM readings r JOIN crossings c USING (port_number) JOIN modes m USING (mode)
            WHERE r.delay_min IS NOT NULL
        )
        , a AS (
            SELECT {select_keys + "," if select_keys else ""}
                count(*) AS readings,
                avg(delay_min) AS wait_mean_min,
                quantile_cont(delay_min, [0.5, 0.95]) AS q,
                max(delay_min) AS wait_max_min,
                avg(lanes_open) AS lanes_open_mean,
                avg(travel_min) AS travel_mean,
                avg(primary_min) AS primary_mean,
                {"NULL" if same_mode else "quantile_cont(travel_min, 0.95)"} AS travel_p95,
                sum(veh_min) AS idling_vehicle_min_est,
                sum(veh_min * co2_g_per_min) / 1000.0 AS idling_co2_kg_est,
                sum(veh_min * nox_g_per_min) AS idling_nox_g_est,
                sum(veh_min * pm25_g_per_min) AS idling_pm25_g_est
            FROM r WHERE {where}
            {"GROUP BY ALL" if keys else ""}
        )
        SELECT {", ".join(key_names) + "," if key_names else ""}
            readings, wait_mean_min, q[1] AS wait_median_min, q[2] AS wait_p95_min,
            wait_max_min, lanes_open_mean,
            ({travel_p95} - travel_mean) / travel_mean AS buffer_index,
            {travel_p95} / primary_mean AS planning_time_index,
            idling_vehicle_min_est, idling_co2_kg_est, idling_nox_g_est, idling_pm25_g_est
        FROM a {"ORDER BY ALL" if keys else ""}
    """


def events_sql(*, select_keys: str, key_names: list[str], where: str, join_on: str) -> str:
    """KPIs from crossing events (volumes, measured waits, shares, secondary, throughput)."""
    keys = bool(key_names)
    return f"""
        WITH e AS (
            SELECT e.*, timezone(coalesce(c.tz, z.tz, 'UTC'), e.occurred_at::TIMESTAMPTZ) AS local_ts
            FROM events e LEFT JOIN crossings c ON c.port_number = e.crossing
            LEFT JOIN port_zones z ON z.port_code = e.port_code
        ),
        ef AS (SELECT * FROM e WHERE {where}),
        joined AS (
            SELECT subject_ref, port_code, min(occurred_at) AS t
            FROM e WHERE kind = 'queue_joined' AND subject_ref IS NOT NULL GROUP BY ALL
        ),
        sec AS (
            SELECT subject_ref, port_code,
                   min(occurred_at) FILTER (WHERE kind = 'referred_secondary') AS t_in,
                   max(occurred_at) FILTER (WHERE kind = 'secondary_left') AS t_out
            FROM e WHERE subject_ref IS NOT NULL
              AND kind IN ('referred_secondary', 'secondary_left') GROUP BY ALL
        ),
        prim AS (
            SELECT ef.*, epoch(ef.occurred_at - j.t) / 60.0 AS wait_min,
                   m.co2_g_per_min, m.nox_g_per_min, m.pm25_g_per_min
            FROM ef LEFT JOIN joined j USING (subject_ref, port_code)
            JOIN modes m USING (mode)
            WHERE ef.kind = 'primary_reached'
        ),
        lanes AS (
            SELECT port_number AS crossing, mode, lane_type,
                   date_trunc('hour', updated_at) AS hour_utc, avg(lanes_open) AS lanes_open
            FROM readings WHERE lanes_open > 0 GROUP BY ALL
        ),
        thr AS (
            SELECT p.crossing, p.mode, p.lane_type, date_trunc('hour', p.occurred_at) AS hour_utc,
                   count(*) / any_value(l.lanes_open) AS per_lane
            FROM prim p JOIN lanes l ON l.crossing = p.crossing AND l.mode = p.mode
              AND l.lane_type = p.lane_type AND l.hour_utc = date_trunc('hour', p.occurred_at)
            GROUP BY ALL
        ),
        a AS (
            SELECT {select_keys + "," if select_keys else ""}
                count(*) AS volume,
                count(wait_min) AS waits_measured,
                avg(wait_min) AS wait_mean_min,
                median(wait_min) AS wait_median_min,
                quantile_cont(wait_min, 0.95) AS wait_p95_min,
                count(*) FILTER (WHERE traveler_class IN {TRUSTED}) AS trusted_travelers,
                avg(CASE WHEN traveler_class IN {TRUSTED} THEN 1.0 ELSE 0.0 END) AS trusted_traveler_share,
                count(*) FILTER (WHERE precleared) AS precleared,
                avg(CASE WHEN precleared THEN 1.0 ELSE 0.0 END) AS precleared_share,
                sum(wait_min) AS idling_vehicle_min,
                sum(wait_min * co2_g_per_min) / 1000.0 AS idling_co2_kg,
                sum(wait_min * nox_g_per_min) AS idling_nox_g,
                sum(wait_min * pm25_g_per_min) AS idling_pm25_g
            FROM prim {"GROUP BY ALL" if keys else ""}
        ),
        b AS (
            SELECT {select_keys + "," if select_keys else ""}
                count(*) AS referred_secondary,
                avg(epoch(s.t_out - s.t_in) / 60.0) AS secondary_mean_min
            FROM ef LEFT JOIN sec s USING (subject_ref, port_code)
            WHERE ef.kind = 'referred_secondary' {"GROUP BY ALL" if keys else ""}
        ),
        t AS (
            SELECT {select_keys + "," if select_keys else ""} avg(thr.per_lane) AS throughput_per_lane_h
            FROM (SELECT DISTINCT crossing, mode, lane_type, direction, traveler_class, port_code,
                         date_trunc('hour', occurred_at) AS hour_utc, local_ts FROM prim) p
            JOIN thr USING (crossing, mode, lane_type, hour_utc)
            {"GROUP BY ALL" if keys else ""}
        )
        -- Every share is published beside the counts it is made of (volume is its denominator).
        SELECT a.*, coalesce(b.referred_secondary, 0) AS referred_secondary,
               coalesce(b.referred_secondary, 0) / a.volume AS inspection_rate,
               b.secondary_mean_min, t.throughput_per_lane_h
        FROM a LEFT JOIN b ON {join_on.replace("b.", "b.")}
        LEFT JOIN t ON {join_on.replace("b.", "t.")}
        ORDER BY {", ".join(f"a.{k}" for k in key_names) or "1"}
    """
