"""The demo account's sites and cameras, modelled on the real 2019 demo device list.

A camera's spec is None (online, recording or not as the seed rolls) or a :data:`Spec`: its
state, whether it records, and which real-world encoding of that state it shows.
"""

from __future__ import annotations

from een_tui.emulator.states import Connection, Variant

Spec = tuple[Connection, bool, Variant]

RECORDING: Spec = (Connection.ONLINE, True, Variant.PLAIN)
OFF: Spec = (Connection.OFF, False, Variant.PLAIN)
DEVICE_OFFLINE: Spec = (Connection.DEVICE_OFFLINE, False, Variant.PLAIN)
ERROR: Spec = (Connection.ERROR, False, Variant.PLAIN)
PASSWORD: Spec = (Connection.INVALID_CREDENTIALS, False, Variant.PLAIN)
UNKNOWN: Spec = (Connection.UNKNOWN, False, Variant.PLAIN)
INVALID: Spec = (Connection.UNKNOWN, False, Variant.INVALID)
BRIDGE_OFFLINE: Spec = (Connection.BRIDGE_OFFLINE, False, Variant.PLAIN)

# (bridge name, address, location name, tags, [(camera name, status or None = online)])
SITES: list[tuple[str, str, str, list[str], list[tuple[str, Spec | None]]]] = [
    (
        "CFA1 Capital Factory Austin Floor 1-a",
        "700 San Jacinto Blvd, Austin, TX 78701",
        "Omni1 Building",
        ["austin", "austin floor 1"],
        [
            ("CFA1 Terminator Room", None),
            ("CFA1 Wall-E Room", DEVICE_OFFLINE),
            ("CFA1 Robo Cop Room", None),
            ("CFA1 R2-D2 Room", None),
            ("CFA1 Data Room", None),
        ],
    ),
    (
        "CFA1 Capital Factory Austin Floor 1-b",
        "700 San Jacinto Blvd, Austin, TX 78701",
        "Omni2 Building",
        ["austin", "austin floor 1", "zz_hik"],
        [
            ("CFA1 Closet", None),
            ("CFA1 Network Closet 2", None),
            ("CFA1 Robo Cop Room Side Door", None),
            ("CFA1 Hallway", None),
            ("zz Astro_Boy (off)", OFF),
            ("CFA1 Exit", RECORDING),
            ("CFA1 Stage", None),
            ("CFA1 Front Desk", None),
            ("CFA1 Lobby", None),
            ("CFA1 Coffee Bar", None),
        ],
    ),
    (
        "CFA5 Capital Factory Austin Floor 5",
        "701 Brazos Street, Austin, TX 78701",
        "Omni5 Building",
        ["austin", "austin floor 5", "zz_axis"],
        [
            ("CFA5 VR Lab", None),
            ("CFA5 Device Lab", None),
            ("CFA5 Freight Elevator", None),
            ("CFA5 Shared Workspace", None),
            ("Example of Camera turned off", OFF),
            ("CFA5 Elevator Lobby 1", None),
            ("CFA5 Elevator Lobby 2", None),
            ("CFA5 Kitchen", None),
            ("CFA5 Mail Room", None),
            ("CFA5 Phone Booths", PASSWORD),
            ("CFA5 Conference Room", None),
            ("CFA5 Back Hallway", None),
        ],
    ),
    (
        "CFA8 Capital Factory Austin Floor 8",
        "",
        "Omni8 Building",
        [],
        [
            ("New Camera 1", None),
            ("New Camera 2", None),
            ("New Camera 3", None),
            ("New Camera 4", None),
            ("New Camera 5", None),
            ("New Camera 6", None),
            ("New Camera 7", PASSWORD),
            ("New Camera 8", None),
            ("New Camera 9", None),
            ("New Camera 11", ERROR),
        ],
    ),
    (
        "CFA16 Capital Factory Austin Floor 16",
        "700 San Jacinto Blvd, Austin, TX 78701",
        "Omni6 Building",
        ["austin", "austin floor 16"],
        [
            ("CFA16 Waiting Area", RECORDING),
            ("CFA16 Library", None),
            ("CFA16 Network Closet 2", None),
            ("CFA16 Kitchen", None),
            ("CFA16 Lockers", None),
            ("CFA16  Vending Area", None),
            ("CFA16 Board Room", None),
            ("CFA16 Lounge", None),
            ("CFA16 Game Room", None),
            ("CFA16 Event Space", None),
            ("CFA16 Front Desk", None),
            ("CFA16 Stairwell", None),
            ("CFA16 Patio", None),
        ],
    ),
    (
        "CFD1 Capital Factory Dallas Floor 1",
        "3102 Oak Lawn Ave, Dallas, TX",
        "Dallas1 Building",
        ["dallas", "dallas floor 1"],
        [
            ("CFD1 Front Event Space", None),
            ("CFD1 Common Space", None),
            ("CFD1 Network Closet", None),
            ("CFD1 Stairwell Entrance", None),
            ("CFD1 Large Classroom", None),
            ("CFD1 Small Classroom", None),
            ("CFD1 Reception", None),
            ("CFD1 Hallway East", None),
            ("CFD1 Hallway West", None),
            ("CFD1 Phone Room", None),
            ("CFD1 Elevators", None),
            ("CFD1 Loading Dock", DEVICE_OFFLINE),
        ],
    ),
    (
        "CFD2 Capital Factory Dallas Floor 2",
        "3102 Oak Lawn Ave, Dallas, TX",
        "Dallas2 Building",
        ["dallas", "dallas floor 2"],
        [
            ("CFD2 Kitchen", None),
            ("CFD2 Dedicated Desks", None),
            ("CFD2 Network Closet", None),
            ("CFD2 Mail Room", None),
            ("CFD2 Open Office", None),
            ("CFD2 Conference A", UNKNOWN),
            ("CFD2 Conference B", INVALID),
        ],
    ),
]

# Cameras shared with this account by other accounts (their bridges are not in the list).
SHARED: list[tuple[str, str, str, list[tuple[str, Spec | None]]]] = [
    (
        "Papa Murphy's Lakeway (00003655)",
        "AcdghMps",
        "analog",
        [("Dough Machine", None), ("Make Line", RECORDING), ("Front Counter", None),
         ("Oven", None)],
    ),
    (
        "South Austin Marine (00010985)",
        "AcdhMps",
        "south austin marine",
        [("SAM Front Dock Gate", None), ("SAM Front Dock Center", None),
         ("SAM Showroom PTZ", None), ("SAM Front Door", None), ("SAM Service Bay", None)],
    ),
    (
        "CFA Southwest (00024171)",
        "AcdghMps",
        "counting",
        [("CFASW Lobby Overhead", None), ("CFASW Drive", None), ("CFASW Parking", None)],
    ),
]

JB_CAMERAS = ["JB Bodyshop Bay 4 (1MP)", "JB Bodyshop Lobby (2MP)", "JB Bodyshop Bay 1 (1MP)",
              "JB Bodyshop Office (2MP)"]
IGND_NAMES = ["AXIS|AXIS M1054|5.40.9.2", "Pavel Khlebovich|IP Webcam|608"]

# v3 preview settings of a few cameras (previewVideo.intervalMs, transmitMode): name -> value.
# v1 keeps one interval for every camera (its recorded-traffic tests pin it), see docs/emulator.md.
V3_INTERVALS_MS = {"Dough Machine": 250, "Oven": 2000, "SAM Showroom PTZ": 16000}
V3_ON_DEMAND = {"SAM Service Bay"}
