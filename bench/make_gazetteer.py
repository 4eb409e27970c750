"""Build corpus/gazetteer/agencies.csv from ICE's participating- and pending-agency spreadsheets.

Run when ../shared/data/ice-sheets is present (it needs openpyxl); the CSV it writes is
bundled, so users never need the spreadsheets.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
SHEETS = ROOT.parent / "shared" / "data" / "ice-sheets"
OUT = ROOT / "corpus" / "gazetteer" / "agencies.csv"
MODELS = {"Warrant Service Officer": "WSO", "Task Force Model": "TFM", "Jail Enforcement Model": "JEM"}


def rows(path: Path, status: str):
    sheet = openpyxl.load_workbook(path, read_only=True).active
    header, *body = list(sheet.iter_rows(values_only=True))
    names = [str(h).strip().lower() if h else "" for h in header]
    for values in body:
        row = dict(zip(names, values))
        if not row.get("law enforcement agency"):
            continue
        signed = row.get("signed")
        yield {"state": str(row["state"]).strip().title(), "agency": str(row["law enforcement agency"]).strip(),
               "type": (row.get("type") or "").strip(), "county": (row.get("county") or "").strip(),
               "model": MODELS.get(str(row.get("support type") or "").strip(), str(row.get("support type") or "")),
               "signed": signed.date().isoformat() if hasattr(signed, "date") else (signed or ""),
               "status": status, "source": path.name}


def main() -> int:
    if not SHEETS.exists():
        print(f"{SHEETS} not found: nothing to do", file=sys.stderr)
        return 1
    seen, out = set(), []
    for path in sorted(SHEETS.glob("participating*.xlsx"), reverse=True) + sorted(SHEETS.glob("pending*.xlsx")):
        for row in rows(path, "pending" if path.name.startswith("pending") else "participating"):
            key = (row["state"], row["agency"].lower(), row["model"])
            if key not in seen:
                seen.add(key)
                out.append(row)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(out[0]))
        writer.writeheader()
        writer.writerows(sorted(out, key=lambda r: (r["state"], r["agency"], r["model"])))
    print(f"wrote {len(out)} agreements to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
