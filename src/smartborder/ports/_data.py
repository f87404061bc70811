"""Facts about the U.S.–Mexico land ports of entry, written as Python literals.

Sources, by class of fact:

* Ports (4-digit code, name, state, latitude, longitude): the 27 U.S.–Mexico port codes of
  BTS Border Crossing Entry Data (U.S. Bureau of Transportation Statistics, public domain;
  ../shared/data/bts/us_mexico_ports.csv).
* Time zones: the IANA zone of the county each U.S. port is in (El Paso and Hudspeth
  counties, Texas, keep Mountain time; the rest of Texas is Central; Arizona does not observe
  DST).
* Crossings (6-character number, hours, maximum lanes per mode, lane types, peak lanes open):
  CBP's Border Wait Times feed (bwt.xml), hourly snapshots March–September 2025
  (../shared/data/bwt). ``maximum_lanes`` is the latest snapshot, 2025-09-30 23:04 UTC; a
  lane type is listed when the feed reported a status other than "N/A" for it at least once;
  the peak is the most lanes of that type reported open at once in the archive.
* Texas crossing coordinates and TxDOT codes: TxDOT/UNT Texas–Mexico border crossings
  (../shared/data/tx/TX-MX-Border-Crossings-Coordinates.csv). Crossings outside Texas carry
  their port's BTS coordinates.
* Aduanas: SAT catalogue c_Aduana (Anexo 22, Apéndice 1 of the Reglas Generales de Comercio
  Exterior) — the aduana whose section faces each crossing.
"""

from __future__ import annotations

# c_Aduana code -> name (the border aduanas facing U.S. ports; SAT Anexo 22 Apéndice 1).
ADUANAS: dict[str, str] = {
    "02": "Agua Prieta",
    "07": "Ciudad Juárez",
    "17": "Matamoros",
    "19": "Mexicali",
    "22": "Naco",
    "23": "Nogales",
    "24": "Nuevo Laredo",
    "25": "Ojinaga",
    "26": "Puerto Palomas",
    "27": "Piedras Negras",
    "30": "Ciudad Reynosa",
    "33": "San Luis Río Colorado",
    "34": "Ciudad Miguel Alemán",
    "39": "Tecate",
    "40": "Tijuana",
    "44": "Ciudad Acuña",
    "50": "Sonoyta",
    "80": "Colombia",
    "82": "Ciudad Camargo",
}

# code, name, state, IANA time zone, latitude, longitude, region id (BTS us_mexico_ports.csv).
PORTS: list[tuple[str, str, str, str, float, float, str]] = [
    ("2301", "Brownsville", "Texas", "America/Chicago", 25.90139, -97.49722, "rio-grande-valley"),
    ("2302", "Del Rio", "Texas", "America/Chicago", 29.3625, -100.89639, "del-rio-eagle-pass"),
    ("2303", "Eagle Pass", "Texas", "America/Chicago", 28.70889, -100.49917, "del-rio-eagle-pass"),
    ("2304", "Laredo", "Texas", "America/Chicago", 27.50611, -99.50722, "laredo-nuevo-laredo"),
    ("2305", "Hidalgo", "Texas", "America/Chicago", 26.1, -98.26278, "rio-grande-valley"),
    ("2307", "Rio Grande City", "Texas", "America/Chicago", 26.37944, -98.82, "rio-grande-valley"),
    ("2309", "Progreso", "Texas", "America/Chicago", 26.06167, -97.94889, "rio-grande-valley"),
    ("2310", "Roma", "Texas", "America/Chicago", 26.40361, -99.01833, "rio-grande-valley"),
    ("2402", "El Paso", "Texas", "America/Denver", 31.75861, -106.48639, "el-paso-juarez"),
    ("2403", "Presidio", "Texas", "America/Chicago", 29.56056, -104.37167, "el-paso-juarez"),
    ("2404", "Tornillo-Fabens", "Texas", "America/Denver", 31.50222, -106.15806, "el-paso-juarez"),
    ("2406", "Columbus", "New Mexico", "America/Denver", 31.8275, -107.63944, "el-paso-juarez"),
    ("2408", "Santa Teresa", "New Mexico", "America/Denver", 31.85, -106.67903, "el-paso-juarez"),
    ("2410", "Boquillas", "Texas", "America/Chicago", 29.19, -102.95, "del-rio-eagle-pass"),
    (
        "2502",
        "Andrade",
        "California",
        "America/Los_Angeles",
        32.7394,
        -114.63402,
        "calexico-mexicali",
    ),
    (
        "2503",
        "Calexico",
        "California",
        "America/Los_Angeles",
        32.67889,
        -115.49806,
        "calexico-mexicali",
    ),
    (
        "2504",
        "San Ysidro",
        "California",
        "America/Los_Angeles",
        32.54306,
        -117.02667,
        "san-diego-tijuana",
    ),
    (
        "2505",
        "Tecate",
        "California",
        "America/Los_Angeles",
        32.57722,
        -116.62667,
        "san-diego-tijuana",
    ),
    (
        "2506",
        "Otay Mesa",
        "California",
        "America/Los_Angeles",
        32.57333,
        -117.05333,
        "san-diego-tijuana",
    ),
    (
        "2507",
        "Calexico East",
        "California",
        "America/Los_Angeles",
        32.67524,
        -115.48433,
        "calexico-mexicali",
    ),
    (
        "2582",
        "Cross Border Xpress",
        "California",
        "America/Los_Angeles",
        32.54722,
        -116.975,
        "san-diego-tijuana",
    ),
    ("2601", "Douglas", "Arizona", "America/Phoenix", 31.34444, -109.54472, "arizona-sonora"),
    ("2602", "Lukeville", "Arizona", "America/Phoenix", 31.8825, -112.815, "arizona-sonora"),
    ("2603", "Naco", "Arizona", "America/Phoenix", 31.33528, -109.9475, "arizona-sonora"),
    ("2604", "Nogales", "Arizona", "America/Phoenix", 31.34028, -110.93361, "arizona-sonora"),
    ("2606", "Sasabe", "Arizona", "America/Phoenix", 31.48861, -111.54139, "arizona-sonora"),
    ("2608", "San Luis", "Arizona", "America/Phoenix", 32.48694, -114.78139, "arizona-sonora"),
]

# id, English name, Spanish name. Ports are grouped by the Mexican state (and metro area) they
# face: Chihuahua for El Paso–Juárez (with New Mexico and Presidio), Coahuila for Del Rio–Eagle
# Pass (with Boquillas), Tamaulipas east of Laredo for the Rio Grande Valley.
REGIONS: list[tuple[str, str, str]] = [
    ("san-diego-tijuana", "San Diego – Tijuana", "San Diego – Tijuana"),
    ("calexico-mexicali", "Imperial Valley – Mexicali", "Valle Imperial – Mexicali"),
    ("arizona-sonora", "Arizona – Sonora", "Arizona – Sonora"),
    (
        "el-paso-juarez",
        "El Paso – Ciudad Juárez and New Mexico – Chihuahua",
        "El Paso – Ciudad Juárez y Nuevo México – Chihuahua",
    ),
    ("del-rio-eagle-pass", "Del Rio – Eagle Pass – Coahuila", "Del Rio – Eagle Pass – Coahuila"),
    ("laredo-nuevo-laredo", "Laredo – Nuevo Laredo", "Laredo – Nuevo Laredo"),
    ("rio-grande-valley", "Rio Grande Valley – Tamaulipas", "Valle del Río Bravo – Tamaulipas"),
]

# TxDOT code -> (latitude, longitude), TX-MX-Border-Crossings-Coordinates.csv.
TXDOT_COORDINATES: dict[str, tuple[float, float]] = {
    "ELP-ELP-GOOD": (31.748237, -106.482685),  # Good Neighbor (Stanton Street) Bridge
    "ELP-ELP-PASO": (31.747743, -106.486957),  # Paso del Norte Bridge
    "ELP-ELP-BRID": (31.764479, -106.451596),  # Bridge of the Americas
    "ELP-YSL-YSLE": (31.670966, -106.337869),  # Ysleta Bridge
    "ELP-TOR-MARC": (31.432854, -106.147961),  # Marcelino Serna Bridge
    "ELP-TOR-FORT": (31.273184, -105.854543),  # Fort Hancock-El Porvenir Bridge
    "ELP-PSD-PRES": (29.561906, -104.395144),  # Presidio-Ojinaga International Bridge
    "LRD-DLR-DELR": (29.326882, -100.927491),  # Del Rio International Bridge
    "LRD-EGP-EAGL": (28.705495, -100.511724),  # Eagle Pass International Bridge (Bridge I)
    "LRD-EGP-CAMI": (28.697698, -100.510461),  # Camino Real International Bridge (Bridge II)
    "LRD-LRD-GTAB": (27.499484, -99.507481),  # Gateway to the Americas Bridge (Bridge I)
    "LRD-LRD-JUAR": (27.500438, -99.502723),  # Juárez-Lincoln International Bridge (Bridge II)
    "LRD-LRD-WORL": (27.597208, -99.536873),  # World Trade Bridge
    "LRD-LRD-COLO": (27.699841, -99.745612),  # Colombia Solidarity Bridge
    "RGV-ROM-ROMA": (26.403879, -99.019036),  # Roma-Ciudad Miguel Alemán International Bridge
    "RGV-RGC-STAR": (26.365855, -98.802404),  # Starr-Camargo Bridge
    "RGV-HID-ANZA": (26.116589, -98.318268),  # Anzalduas International Bridge
    "RGV-HID-MCAL": (26.095424, -98.271909),  # McAllen-Hidalgo International Bridge
    "RGV-HID-PHAR": (26.066916, -98.205235),  # Pharr International Bridge
    "RGV-PRG-DONN": (26.065651, -98.075671),  # Donna-Rio Bravo International Bridge
    "RGV-PRG-PROG": (26.062279, -97.949994),  # Progreso International Bridge
    "RGV-BRW-FREE": (26.029172, -97.73885),  # Free Trade International Bridge (Los Indios)
    "RGV-BRW-BROW": (25.892029, -97.504685),  # Brownsville & Matamoros Express Bridge
    "RGV-BRW-GATE": (25.898899, -97.497516),  # Gateway International Bridge
    "RGV-BRW-VETE": (25.883758, -97.476112),  # Veterans International Bridge at Los Tomates
}

# Lanes of one crossing: mode -> (feed maximum_lanes, {lane type: peak lanes open}).
LaneFacts = dict[str, tuple[int, dict[str, int]]]

# bwt number, name, port code, c_Aduana code (None: no customs section faces it), feed hours,
# TxDOT code (None outside Texas), lanes. Port code is the number's first four digits except:
# Brownsville (feed numbers 5355xx, port 2301), Calexico East (250301, BTS port 2507), Cross
# Border Xpress (250409, listed under San Ysidro in the feed, BTS port 2582) and Fort Hancock
# (l24501, counted in BTS port 2404 Tornillo-Fabens as TxDOT's list assigns it).
CROSSINGS: list[tuple[str, str, str, str | None, str, str | None, LaneFacts]] = [
    # California
    (
        "250401",
        "San Ysidro",
        "2504",
        "40",
        "24 hrs/day",
        None,
        {
            "passenger_vehicle": (34, {"general": 21, "sentri": 14, "ready": 24}),
            "pedestrian": (22, {"general": 22, "ready": 11}),
        },
    ),
    (
        "250407",
        "PedWest",
        "2504",
        "40",
        "6 am-2 pm",
        None,
        {
            "pedestrian": (14, {"general": 5, "ready": 4}),
        },
    ),
    (
        "250409",
        "Cross Border Xpress",
        "2582",
        "40",
        "24 hrs/day",
        None,
        {
            "pedestrian": (8, {"general": 7, "ready": 3}),
        },
    ),
    (
        "250601",
        "Otay Mesa Passenger",
        "2506",
        "40",
        "24 hrs/day",
        None,
        {
            "passenger_vehicle": (13, {"general": 6, "sentri": 4, "ready": 9}),
            "pedestrian": (6, {"general": 6}),
        },
    ),
    (
        "250602",
        "Otay Mesa Commercial",
        "2506",
        "40",
        "6 am-10 pm",
        None,
        {
            "commercial": (10, {"general": 9, "fast": 6}),
        },
    ),
    (
        "250501",
        "Tecate",
        "2505",
        "39",
        "6 am-10 pm",
        None,
        {
            "passenger_vehicle": (4, {"general": 4}),
            "pedestrian": (4, {"general": 4}),
            "commercial": (2, {"general": 2}),
        },
    ),
    (
        "250302",
        "Calexico West",
        "2503",
        "19",
        "24 hrs/day",
        None,
        {
            "passenger_vehicle": (16, {"general": 10, "sentri": 6, "ready": 8}),
            "pedestrian": (6, {"general": 5, "ready": 4}),
        },
    ),
    (
        "250301",
        "Calexico East",
        "2507",
        "19",
        "6 am-10 pm",
        None,
        {
            "passenger_vehicle": (8, {"general": 3, "sentri": 4, "ready": 5}),
            "pedestrian": (4, {"general": 4}),
            "commercial": (3, {"general": 2, "fast": 1}),
        },
    ),
    (
        "250201",
        "Andrade",
        "2502",
        "19",
        "6 am-10 pm",
        None,
        {  # faces Los Algodones (sección 192)
            "passenger_vehicle": (3, {"general": 2}),
            "pedestrian": (4, {"general": 3}),
            "commercial": (1, {"general": 0}),
        },
    ),
    # Arizona
    (
        "260801",
        "San Luis I",
        "2608",
        "33",
        "24 hrs/day",
        None,
        {
            "passenger_vehicle": (7, {"general": 3, "sentri": 2, "ready": 4}),
            "pedestrian": (7, {"general": 7}),
        },
    ),
    (
        "260802",
        "San Luis II",
        "2608",
        "33",
        "9 am-5 pm",
        None,
        {
            "commercial": (2, {"general": 2}),
        },
    ),
    (
        "260201",
        "Lukeville",
        "2602",
        "50",
        "6 am-8 pm",
        None,
        {
            "passenger_vehicle": (6, {"general": 5, "ready": 1}),
            "commercial": (1, {"general": 1}),
        },
    ),
    (
        "260401",
        "Nogales DeConcini",
        "2604",
        "23",
        "24 hrs/day",
        None,
        {
            "passenger_vehicle": (8, {"general": 7, "sentri": 3}),
            "pedestrian": (6, {"general": 6}),
        },
    ),
    (
        "260402",
        "Nogales Mariposa",
        "2604",
        "23",
        "6 am-10 pm",
        None,
        {
            "passenger_vehicle": (13, {"general": 12}),
            "pedestrian": (6, {"general": 6}),
            "commercial": (8, {"general": 6, "fast": 2}),
        },
    ),
    (
        "260403",
        "Nogales Morley Gate",
        "2604",
        "23",
        "10 am-6 pm",
        None,
        {
            "pedestrian": (4, {"general": 3}),
        },
    ),
    (
        "260301",
        "Naco",
        "2603",
        "22",
        "6 am-10 pm",
        None,
        {
            "passenger_vehicle": (2, {"general": 2}),
            "pedestrian": (2, {"general": 2}),
            "commercial": (1, {"general": 1}),
        },
    ),
    (
        "260101",
        "Douglas (Raul Hector Castro)",
        "2601",
        "02",
        "24 hrs/day",
        None,
        {
            "passenger_vehicle": (7, {"general": 6, "sentri": 2, "ready": 3}),
            "pedestrian": (3, {"general": 3, "ready": 2}),
            "commercial": (2, {"general": 1}),
        },
    ),
    # New Mexico
    (
        "240601",
        "Columbus",
        "2406",
        "26",
        "24 hrs/day",
        None,
        {
            "passenger_vehicle": (3, {"general": 3, "ready": 1}),
            "pedestrian": (4, {"general": 4}),
            "commercial": (1, {"general": 1}),
        },
    ),
    (
        "240801",
        "Santa Teresa",
        "2408",
        "07",
        "6 am-10 pm",
        None,
        {  # San Jerónimo, sección 072
            "passenger_vehicle": (4, {"general": 3, "ready": 2}),
            "pedestrian": (2, {"general": 2}),
            "commercial": (3, {"general": 2, "fast": 1}),
        },
    ),
    # Texas, El Paso to Presidio
    (
        "240201",
        "Bridge of the Americas (BOTA)",
        "2402",
        "07",
        "24 hrs/day",
        "ELP-ELP-BRID",
        {
            "passenger_vehicle": (14, {"general": 7, "ready": 11}),
            "pedestrian": (4, {"general": 4, "ready": 2}),
            "commercial": (4, {"general": 4, "fast": 2}),
        },
    ),
    (
        "240202",
        "Paso Del Norte (PDN)",
        "2402",
        "07",
        "24 hrs/day",
        "ELP-ELP-PASO",
        {
            "passenger_vehicle": (12, {"general": 7, "sentri": 3, "ready": 8}),
            "pedestrian": (14, {"general": 14, "ready": 10}),
        },
    ),
    (
        "240204",
        "Stanton DCL",
        "2402",
        "07",
        "6 am-Midnight",
        "ELP-ELP-GOOD",
        {
            "passenger_vehicle": (3, {"general": 2, "sentri": 3}),
        },
    ),
    (
        "240203",
        "Ysleta",
        "2402",
        "07",
        "24 hrs/day",
        "ELP-YSL-YSLE",
        {  # Zaragoza, sección 071
            "passenger_vehicle": (13, {"general": 4, "sentri": 5, "ready": 6}),
            "pedestrian": (4, {"general": 4}),
            "commercial": (8, {"general": 6, "fast": 4}),
        },
    ),
    (
        "240401",
        "Marcelino Serna (Tornillo)",
        "2404",
        "07",
        "6 am-10 pm",
        "ELP-TOR-MARC",
        {
            "passenger_vehicle": (4, {"general": 4, "sentri": 1, "ready": 3}),
            "pedestrian": (2, {"general": 2, "ready": 0}),
            "commercial": (2, {"general": 1, "fast": 0}),
        },
    ),
    # El Porvenir has no section in Apéndice 1, so no aduana is recorded for Fort Hancock.
    (
        "l24501",
        "Fort Hancock",
        "2404",
        None,
        "6 am-6 pm",
        "ELP-TOR-FORT",
        {
            "passenger_vehicle": (2, {"general": 2, "sentri": 0, "ready": 0}),
            "pedestrian": (4, {"general": 2, "ready": 1}),
        },
    ),
    (
        "240301",
        "Presidio",
        "2403",
        "25",
        "24 hrs/day",
        "ELP-PSD-PRES",
        {
            "passenger_vehicle": (4, {"general": 4, "sentri": 3, "ready": 3}),
            "pedestrian": (1, {"general": 1, "ready": 1}),
            "commercial": (2, {"general": 2, "fast": 0}),
        },
    ),
    # Texas, Del Rio and Eagle Pass
    (
        "230201",
        "Del Rio",
        "2302",
        "44",
        "24 hrs/day",
        "LRD-DLR-DELR",
        {
            "passenger_vehicle": (6, {"general": 2, "sentri": 1, "ready": 4}),
            "commercial": (2, {"general": 1}),
        },
    ),
    (
        "230301",
        "Eagle Pass Bridge I",
        "2303",
        "27",
        "7 am-11 pm",
        "LRD-EGP-EAGL",
        {
            "passenger_vehicle": (5, {"general": 4, "ready": 5}),
        },
    ),
    (
        "230302",
        "Eagle Pass Bridge II",
        "2303",
        "27",
        "24 hrs/day",
        "LRD-EGP-CAMI",
        {
            "passenger_vehicle": (7, {"general": 6, "sentri": 2, "ready": 3}),
            "commercial": (1, {"general": 1, "fast": 0}),
        },
    ),
    # Texas, Laredo
    (
        "230401",
        "Laredo Bridge I",
        "2304",
        "24",
        "24 hrs/day",
        "LRD-LRD-GTAB",
        {
            "passenger_vehicle": (4, {"general": 4, "sentri": 4, "ready": 4}),
            "pedestrian": (12, {"general": 10, "ready": 7}),
        },
    ),
    (
        "230402",
        "Laredo Bridge II",
        "2304",
        "24",
        "24 hrs/day",
        "LRD-LRD-JUAR",
        {
            "passenger_vehicle": (15, {"general": 7, "ready": 8}),
        },
    ),
    (
        "230403",
        "Colombia Solidarity",
        "2304",
        "80",
        "8 am-Midnight",
        "LRD-LRD-COLO",
        {
            "passenger_vehicle": (4, {"general": 4, "sentri": 1, "ready": 3}),
            "commercial": (8, {"general": 6, "fast": 2}),
        },
    ),
    (
        "230404",
        "World Trade Bridge",
        "2304",
        "24",
        "7 am-Midnight",
        "LRD-LRD-WORL",
        {
            "commercial": (19, {"general": 15, "fast": 6}),
        },
    ),
    # Texas, Rio Grande Valley
    (
        "231001",
        "Roma",
        "2310",
        "34",
        "24 hrs/day",
        "RGV-ROM-ROMA",
        {
            "passenger_vehicle": (4, {"general": 4, "ready": 0}),
            "commercial": (1, {"general": 1}),
        },
    ),
    (
        "230701",
        "Rio Grande City",
        "2307",
        "82",
        "7 am-Midnight",
        "RGV-RGC-STAR",
        {
            "passenger_vehicle": (3, {"general": 3}),
            "commercial": (2, {"general": 2}),
        },
    ),
    (
        "230503",
        "Anzalduas International Bridge",
        "2305",
        "30",
        "6 am-10 pm",
        "RGV-HID-ANZA",
        {
            "passenger_vehicle": (6, {"general": 4, "sentri": 1, "ready": 5}),
        },
    ),
    (
        "230501",
        "Hidalgo",
        "2305",
        "30",
        "24 hrs/day",
        "RGV-HID-MCAL",
        {
            "passenger_vehicle": (12, {"general": 3, "sentri": 2, "ready": 5}),
            "pedestrian": (10, {"general": 10}),
        },
    ),
    (
        "230502",
        "Pharr",
        "2305",
        "30",
        "6 am-Midnight",
        "RGV-HID-PHAR",
        {
            "passenger_vehicle": (10, {"general": 5, "sentri": 1, "ready": 4}),
            "commercial": (7, {"general": 6, "fast": 1}),
        },
    ),
    (
        "230902",
        "Donna International Bridge",
        "2309",
        "30",
        "6 am-10 pm",
        "RGV-PRG-DONN",
        {
            "passenger_vehicle": (4, {"general": 4, "ready": 2}),
            "pedestrian": (4, {"general": 3}),
        },
    ),
    (
        "230901",
        "Progreso International Bridge",
        "2309",
        "30",
        "24 hrs/day",
        "RGV-PRG-PROG",
        {
            "passenger_vehicle": (5, {"general": 4, "ready": 3}),
            "pedestrian": (6, {"general": 6, "ready": 3}),
            "commercial": (1, {"general": 1}),
        },
    ),
    (
        "535503",
        "Los Indios",
        "2301",
        "17",
        "6 am-10 pm",
        "RGV-BRW-FREE",
        {
            "passenger_vehicle": (4, {"general": 4, "ready": 3}),
            "commercial": (4, {"general": 2, "fast": 1}),
        },
    ),
    (
        "535501",
        "Brownsville B&M",
        "2301",
        "17",
        "24 hrs/day",
        "RGV-BRW-BROW",
        {
            "passenger_vehicle": (4, {"general": 4, "ready": 4}),
            "pedestrian": (2, {"general": 2}),
        },
    ),
    (
        "535504",
        "Brownsville Gateway",
        "2301",
        "17",
        "24 hrs/day",
        "RGV-BRW-GATE",
        {
            "passenger_vehicle": (5, {"general": 5, "ready": 4}),
            "pedestrian": (5, {"general": 5, "ready": 2}),
        },
    ),
    (
        "535502",
        "Veterans International",
        "2301",
        "17",
        "6 am-Midnight",
        "RGV-BRW-VETE",
        {
            "passenger_vehicle": (8, {"general": 7, "sentri": 2, "ready": 4}),
            "pedestrian": (1, {"general": 1}),
            "commercial": (4, {"general": 3, "fast": 1}),
        },
    ),
]

# Mexican-border entries of the feed that are not crossings of their own, with the reason.
FEED_EXCLUDED: dict[str, str] = {
    "202401": "duplicate listing of Paso Del Norte (240202); never reported a status",
    "230103": "duplicate listing of Brownsville Gateway (535504); reported in 31 of 4,464 snapshots",
    "230905": "duplicate listing of Progreso (230901); never reported; dropped 2025-09-26",
    "231002": "duplicate listing of Roma (231001) as 'ROMA TEXAS'",
    "240207": "placeholder for Bridge of the Americas (240201); never reported a status",
    "240211": "BOTA cargo facility placeholder; never reported; dropped 2025-05-06",
    "240214": "BOTA cargo facility placeholder; never reported; dropped 2025-05-06",
    "240215": "BOTA cargo facility placeholder; never reported a status",
    "240216": "BOTA cargo facility placeholder; never reported; dropped 2025-05-06",
    "240217": "BOTA cargo facility placeholder; never reported; dropped 2025-05-06",
    "240218": "BOTA cargo facility placeholder; never reported; dropped 2025-05-06",
    "260305": "second listing of Naco (260301); reported in 62 of 4,464 snapshots",
}
