"""The dashboard page: its labels in English and Spanish, the border outline, and its config.

The page itself is static HTML, CSS and JavaScript in this package (no CDN, no map tiles); it
reads the node's open-data JSON endpoints. Everything a person reads is in :data:`LABELS`
in both languages, and the page switches language without a reload.
"""

from __future__ import annotations

import json
from typing import Any

from smartborder.i18n import Lang, Text

# key -> (English, Spanish)
LABELS: dict[str, Text] = {
    "page_title": Text(
        "SmartBorder — border performance", "SmartBorder — desempeño de la frontera"
    ),
    "map_title": Text(
        "U.S.–Mexico ports of entry: current waits",
        "Puertos de entrada EE. UU.–México: esperas actuales",
    ),
    "map_note": Text(
        "Longest wait now published at each port (CBP Border Wait Times). Click a port to see its crossings below.",
        "Espera más larga publicada ahora en cada puerto (tiempos de espera de CBP). Haga clic en un puerto para ver sus cruces abajo.",
    ),
    "country_us": Text("UNITED STATES", "ESTADOS UNIDOS"),
    "country_mx": Text("MEXICO", "MÉXICO"),
    "legend_low": Text("under 15 min", "menos de 15 min"),
    "legend_mid": Text("15–45 min", "15–45 min"),
    "legend_high": Text("45–90 min", "45–90 min"),
    "legend_very_high": Text("90 min or more", "90 min o más"),
    "legend_none": Text("no current reading", "sin lectura actual"),
    "current_title": Text(
        "Current waits by crossing and lane", "Esperas actuales por cruce y carril"
    ),
    "heatmap_title": Text(
        "Mean wait by hour and weekday", "Espera promedio por hora y día de la semana"
    ),
    "heatmap_note": Text(
        "Minutes, local time of the port, over every reading stored.",
        "Minutos, hora local del puerto, sobre todas las lecturas guardadas.",
    ),
    "trend_title": Text("Trend: daily wait", "Tendencia: espera diaria"),
    "trend_note": Text(
        "Daily mean (solid) and 95th percentile (dashed), minutes.",
        "Promedio diario (continua) y percentil 95 (discontinua), minutos.",
    ),
    "forecast_title": Text("Forecast: next 6 hours", "Pronóstico: próximas 6 horas"),
    "bts_title": Text(
        "Inbound crossings per year (BTS), all U.S.–Mexico ports",
        "Cruces de entrada por año (BTS), todos los puertos EE. UU.–México",
    ),
    "bts_note": Text(
        "Northbound vehicles counted by the Bureau of Transportation Statistics, per calendar year (the last year may be partial).",
        "Vehículos hacia el norte contados por el Buró de Estadísticas de Transporte (BTS), por año calendario (el último año puede estar incompleto).",
    ),
    "bts_title_events": Text(
        "Northbound crossings counted from this node's crossing events",
        "Cruces hacia el norte contados de los eventos de cruce de este nodo",
    ),
    "bts_note_events": Text(
        "No BTS counts are stored on this node, so these are the vehicles that reached primary inspection in its own crossing events, per calendar year (the demo day when nothing else is loaded).",
        "Este nodo no tiene conteos de BTS, así que son los vehículos que llegaron a la inspección primaria en sus propios eventos de cruce, por año calendario (el día de demostración si no hay nada más cargado).",
    ),
    "bts_personal_vehicles": Text("Personal vehicles", "Vehículos particulares"),
    "bts_trucks": Text("Trucks", "Camiones"),
    "preclearance_title": Text(
        "Pre-cleared share of crossings", "Proporción de cruces con prerrevisión"
    ),
    "preclearance_note": Text(
        "Share of the vehicles and travelers that reached primary inspection that were pre-cleared, by port (crossing events), with how many it is out of. A share out of fewer than 30 is shown grey: too few to judge.",
        "Proporción de los vehículos y viajeros que llegaron a la inspección primaria que tenían prerrevisión, por puerto (eventos de cruce), con el total del que sale. Una proporción de menos de 30 se muestra en gris: muy pocos para juzgar.",
    ),
    "share_of": Text("{pct} of {n}", "{pct} de {n}"),
    "too_few": Text("too few to judge", "muy pocos para juzgar"),
    "emissions_title": Text(
        "Idling emissions while waiting", "Emisiones en ralentí durante la espera"
    ),
    "emissions_note": Text(
        "Tonnes of CO₂ from vehicles idling in line, by port, estimated from the published waits and lanes open (n: the readings it stands on).",
        "Toneladas de CO₂ de vehículos en ralentí en la fila, por puerto, estimadas con las esperas publicadas y los carriles abiertos (n: las lecturas en que se basa).",
    ),
    "readings_n": Text("{n} readings", "{n} lecturas"),
    "risk_title": Text(
        "Targeting effectiveness (agencies)", "Efectividad de la selección (agencias)"
    ),
    "risk_note": Text(
        "For CBP and ANAM staff: sign in with your agency's API client. Hit rates of targeted and random examinations, the non-compliance the random control sample estimates, and the share of violations targeting misses, each with its counts and 95 % interval.",
        "Para personal de CBP y ANAM: inicie sesión con el cliente de API de su agencia. Tasas de acierto de los exámenes seleccionados y aleatorios, el incumplimiento que estima la muestra aleatoria de control y la proporción de infracciones que la selección no detecta, cada una con sus conteos e intervalo de 95 %.",
    ),
    "risk_client_id": Text("Client id", "Id de cliente"),
    "risk_client_secret": Text("Client secret", "Secreto del cliente"),
    "risk_sign_in": Text("Sign in", "Iniciar sesión"),
    "risk_from": Text("From", "Desde"),
    "risk_to": Text("To", "Hasta"),
    "risk_direction": Text("Direction", "Dirección"),
    "risk_any": Text("any", "cualquiera"),
    "risk_northbound": Text("northbound", "hacia el norte"),
    "risk_southbound": Text("southbound", "hacia el sur"),
    "risk_show": Text("Show", "Mostrar"),
    "risk_signed_out": Text(
        "Sign in to see your agency's figures.", "Inicie sesión para ver las cifras de su agencia."
    ),
    "risk_bad_login": Text(
        "Sign-in failed: check the client id and secret.",
        "No se pudo iniciar sesión: revise el id y el secreto del cliente.",
    ),
    "risk_forbidden": Text(
        "This panel is for the customs agencies (CBP, ANAM); your client may not read it.",
        "Este panel es para las agencias aduaneras (CBP, ANAM); su cliente no puede consultarlo.",
    ),
    "risk_failed": Text("The report could not be read:", "No se pudo leer el informe:"),
    "risk_not_enough": Text("not enough data", "datos insuficientes"),
    "risk_not_enough_all": Text(
        "Not enough data: too few examinations with findings in this period for a figure.",
        "Datos insuficientes: muy pocos exámenes con hallazgos en este periodo para dar una cifra.",
    ),
    "risk_figure": Text("Figure", "Cifra"),
    "risk_value": Text("Value (95 % interval)", "Valor (intervalo de 95 %)"),
    "risk_counts": Text("Counts", "Conteos"),
    "risk_targeted_hit": Text(
        "Hit rate, targeted examinations", "Tasa de acierto, exámenes seleccionados"
    ),
    "risk_random_hit": Text(
        "Hit rate, random examinations", "Tasa de acierto, exámenes aleatorios"
    ),
    "risk_overall": Text("Estimated non-compliance, all", "Incumplimiento estimado, total"),
    "risk_missed": Text(
        "Share of violations missed by targeting", "Proporción de infracciones no detectadas"
    ),
    "risk_by_rule": Text("By rule", "Por regla"),
    "risk_by_version": Text("By weight set", "Por conjunto de pesos"),
    "risk_examined": Text("Examined", "Examinados"),
    "risk_precision": Text("Precision", "Precisión"),
    "risk_lift": Text("Lift", "Mejora (lift)"),
    "risk_revenue": Text("Revenue recovered (USD)", "Ingresos recuperados (USD)"),
    "port": Text("Port", "Puerto"),
    "crossing": Text("Crossing", "Cruce"),
    "lane": Text("Lane", "Carril"),
    "wait": Text("Wait (min)", "Espera (min)"),
    "lanes_open": Text("Lanes open", "Carriles abiertos"),
    "updated": Text("Updated (port's local time)", "Actualizado (hora local del puerto)"),
    "minutes": Text("minutes", "minutos"),
    "min_short": Text("min", "min"),
    "no_current_wait": Text("no current reading", "sin lectura actual"),
    "no_data": Text("No data yet.", "Aún no hay datos."),
    "loading": Text("Loading…", "Cargando…"),
    "no_forecast": Text(
        "No forecast: no published wait for this crossing and lane.",
        "Sin pronóstico: no hay esperas publicadas para este cruce y carril.",
    ),
    "hours_ahead": Text("Ahead", "Adelanto"),
    "time_local": Text("Time ({zone})", "Hora ({zone})"),
    "method": Text("Method", "Método"),
    "forecast_wait": Text("Forecast wait", "Espera pronosticada"),
    "forecast_range": Text("Likely range (80 %)", "Rango probable (80 %)"),
    "forecast_from": Text(
        "From the last published wait at", "A partir de la última espera publicada a las"
    ),
    "method_gradient_boosting": Text("gradient-boosting model", "modelo de gradient boosting"),
    "method_hour_of_week_mean": Text("hour-of-week mean", "promedio por hora de la semana"),
    "method_persistence": Text("persistence (the wait now)", "persistencia (la espera actual)"),
    "forecast_history": Text(
        "Stands on {n} published waits of this lane over {h} h.",
        "Se basa en {n} esperas publicadas de este carril en {h} h.",
    ),
    "model_history": Text(
        "Model trained on {n} hourly waits of {s} lanes, {first} to {last} ({source}).",
        "Modelo entrenado con {n} esperas horarias de {s} carriles, del {first} al {last} ({source}).",
    ),
    "source_twin_and_feed": Text(
        "four weeks simulated by the digital twin, then this node's own feed",
        "cuatro semanas simuladas por el gemelo digital, luego el feed de este nodo",
    ),
    "source_published_waits": Text(
        "published Border Wait Times", "tiempos de espera publicados (BWT)"
    ),
    "fallback_too_little_history": Text(
        "Too little history for a forecast (fewer than 6 published waits): the wait now is shown.",
        "Muy poca historia para pronosticar (menos de 6 esperas publicadas): se muestra la espera actual.",
    ),
    "fallback_no_model": Text(
        "No trained model: the hour-of-week mean of this lane's history is shown.",
        "Sin modelo entrenado: se muestra el promedio por hora de la semana de este carril.",
    ),
    "fallback_worse_than_persistence": Text(
        "Where the model scored worse than persistence on this lane's validation data, the wait now is shown (method: persistence).",
        "Donde el modelo fue peor que la persistencia en los datos de validación de este carril, se muestra la espera actual (método: persistencia).",
    ),
    "fallback_worse_than_hour_of_week_mean": Text(
        "Where the model scored worse than the hour-of-week mean on this lane's validation data, that mean is shown (method: hour-of-week mean).",
        "Donde el modelo fue peor que el promedio por hora de la semana en los datos de validación de este carril, se muestra ese promedio (método: promedio por hora de la semana).",
    ),
    "hour_local": Text("hour of day (local)", "hora del día (local)"),
    "day_0": Text("Mon", "lun"),
    "day_1": Text("Tue", "mar"),
    "day_2": Text("Wed", "mié"),
    "day_3": Text("Thu", "jue"),
    "day_4": Text("Fri", "vie"),
    "day_5": Text("Sat", "sáb"),
    "day_6": Text("Sun", "dom"),
    "lane_commercial_standard": Text("Commercial — standard", "Comercial — estándar"),
    "lane_commercial_fast": Text("Commercial — FAST", "Comercial — FAST"),
    "lane_passenger_standard": Text("Passenger — standard", "Pasajeros — estándar"),
    "lane_passenger_sentri": Text("Passenger — SENTRI", "Pasajeros — SENTRI"),
    "lane_passenger_ready": Text("Passenger — Ready", "Pasajeros — Ready"),
    "lane_pedestrian_standard": Text("Pedestrian — standard", "Peatones — estándar"),
    "lane_pedestrian_ready": Text("Pedestrian — Ready", "Peatones — Ready"),
}

# The U.S.–Mexico border as (longitude, latitude) vertices, west to east: the 1848/1853 land
# boundary from the Pacific to the Colorado River and the Rio Grande from El Paso to the Gulf.
# A schematic outline (about 0.1° accurate), drawn from the boundary's well-known turning points.
BORDER_OUTLINE: list[tuple[float, float]] = [
    (-117.12, 32.53),  # Pacific coast at Tijuana / San Diego
    (-114.72, 32.72),  # Colorado River at Yuma
    (-114.81, 32.49),  # down the Colorado to San Luis
    (-111.07, 31.33),  # Nogales
    (-108.21, 31.33),  # New Mexico bootheel, south corner
    (-108.21, 31.78),
    (-106.53, 31.78),  # El Paso / Ciudad Juárez, the Rio Grande begins
    (-106.00, 31.39),
    (-105.00, 30.68),
    (-104.37, 29.56),  # Presidio / Ojinaga
    (-103.30, 28.98),  # Big Bend
    (-102.95, 29.19),
    (-102.40, 29.78),
    (-101.40, 29.77),
    (-100.90, 29.36),  # Del Rio / Ciudad Acuña
    (-100.50, 28.71),  # Eagle Pass / Piedras Negras
    (-99.50, 27.50),  # Laredo / Nuevo Laredo
    (-99.10, 26.42),
    (-98.80, 26.37),
    (-98.26, 26.08),  # Hidalgo / Reynosa
    (-97.50, 25.88),  # Brownsville / Matamoros
    (-97.14, 25.96),  # Gulf of Mexico
]

# Open-data endpoints the page reads (paths on this node).
ENDPOINTS: dict[str, str] = {
    "forecast": "/kpi/forecast",
}


def labels_for(lang: Lang) -> dict[str, str]:
    return {k: v.get(lang) for k, v in LABELS.items()}


def page_config(
    lang: Lang, ports: list[dict[str, Any]], *, endpoints: dict[str, str] | None = None
) -> str:
    """The JSON the page reads from ``<script id="sb-config">``, safe inside a script element."""
    config = {
        "lang": lang.value,
        "labels": {lg.value: labels_for(lg) for lg in Lang},
        "ports": ports,
        "border": BORDER_OUTLINE,
        "endpoints": {**ENDPOINTS, **(endpoints or {})},
        "default_port": "2504",  # San Ysidro, the busiest land port
    }
    # "<" escaped so no string can close the script element.
    return json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
