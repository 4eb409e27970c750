"""What the extraction benchmarks share: the dev-set files, match keys and P/R/F1."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
SHARED = ROOT.parent / "shared" / "data"

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho",
    "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming", "DC": "District of Columbia",
}



# ---------------------------------------------------------------- helpers

def loose(text: str) -> str:
    """Surface key for the loose match: case and whitespace ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def value_key(value) -> str:
    """Key for comparing normalised values and names: case, spacing and punctuation ignored,
    '&' = 'and', 'Sheriffs' = "Sheriff's", leading 'the' dropped."""
    if value is None:
        return ""
    s = unicodedata.normalize("NFKC", str(value)).casefold().replace("&", " and ")
    s = s.replace("\u2019", "'").replace("sheriffs", "sheriff's")
    s = re.sub(r"^the\s+", "", s.strip())
    return re.sub(r"[^0-9a-z]+", "", s)


def state_key(value) -> str:
    if not value:
        return ""
    s = str(value).strip()
    s = STATES.get(s.upper().replace(".", ""), s)
    return value_key(s.replace("_", " "))


def model_key(value) -> str:
    s = (value or "").upper().strip()
    return {"TF": "TFM", "TASK FORCE MODEL": "TFM", "WARRANT SERVICE OFFICER": "WSO",
            "JAIL ENFORCEMENT MODEL": "JEM"}.get(s, s)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.3f}"


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
