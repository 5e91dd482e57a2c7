"""Fields of one long unbroken token, made at test time (issue 15, point 4)."""

from __future__ import annotations

import base64
import random

TOKEN = "x" * 2_500_000  # 2.5 MB of one token
DNA = "".join(random.Random(4).choice("ACGT") for _ in range(200_000))  # a 200 KB sequence
BASE64 = base64.b64encode(random.Random(5).randbytes(1_900_000)).decode()  # 2.5 MB of base64
URL = "https://example.com/" + "a1b2c3d4/" * 11_000  # a 100 KB web address
DATA_IMAGE = f'<img src="data:image/png;base64,{BASE64}">'
