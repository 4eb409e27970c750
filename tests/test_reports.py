"""The clause-variation report on real agreements plus generated variants with known differences:
the differences we made are found, and nothing else is."""
from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from corpus.records import Document, Page
from corpus.store import Corpus

SAMPLE = Path(__file__).resolve().parent.parent / "corpus" / "sample" / "moa"
JIM_WELLS = SAMPLE / "TEXAS__JimWellsCoSO_WSO_MOA_031725.pdf"
CRENSHAW = SAMPLE / "ALABAMA__CrenshawCoAL_WSO_MOA_04.16.2025.pdf"
ARCADIA = SAMPLE / "FLORIDA__ArcadiaPDFL_TFM_MOA_030425.pdf"
FL_DOC = SAMPLE / "FLORIDA__287gJEM_FL_DOC_FL_08-21-2020.pdf"

ADDED_CLAUSE = ("J. BODY-WORN CAMERAS\nParticipating LEA personnel shall wear body-worn cameras at all times "
                "while performing immigration officer functions under this MOA, and the LEA shall keep the "
                "recordings for no less than 180 days.\n")


def _load(path: Path) -> Document:
    from ingest.load import load_bytes, read_file
    from ingest.options import IngestOptions
    options = IngestOptions(ocr="never", workers=1)
    return list(load_bytes(read_file(path, options), str(path), options, recurse=False))[-1]


def _edit(pages: list[Page], pattern: str, replacement: str) -> list[Page]:
    """A copy of the pages with exactly one change made (it must apply exactly once)."""
    out, done = [], 0
    for p in pages:
        text, n = re.subn(pattern, replacement, p.text, count=1, flags=re.S)
        if n and not done:
            done += 1
            out.append(Page(p.number, text, p.method))
        else:
            out.append(Page(p.number, p.text, p.method))
    assert done == 1, pattern
    return out


def _variant(name: str, pages: list[Page]) -> Document:
    text = "\f".join(p.text for p in pages)
    return Document(id=hashlib.sha256(text.encode()).hexdigest(), path=f"generated/{name}.pdf",
                    file_name=f"{name}.pdf", media_type="application/pdf", pages=pages)


@pytest.fixture(scope="module")
def report_db(tmp_path_factory) -> Path:
    """Four real agreements (WSO born-digital, WSO OCR'd, TFM, JEM) and four generated WSO variants
    of Jim Wells', annotated by the real pipeline and stored (no vectors: the report needs none)."""
    from nlp.annotate import annotate
    path = tmp_path_factory.mktemp("report") / "corpus.db"
    jim = _load(JIM_WELLS)
    variants = {
        # one number changed: the complaint notice "within 48 hours, excluding weekends" -> 72 hours
        "hours72": _edit(jim.pages, r"within 48 hours, excluding weekends", "within 72 hours, excluding weekends"),
        # one clause dropped: IV.G Interpretation services
        "dropped": _edit(jim.pages, r"G\.\W*INTERPRETATION SERVICES.*?(?=H\.\W*LIABILITY)", ""),
        # one clause added: IV.J, after IV.I Civil rights
        "added": _edit(jim.pages, r"\n(?=V\.\s*\n\s*REPORTING AND DOCUMENTATION)", "\n" + ADDED_CLAUSE),
        # one heading renamed, its text untouched: must still align (by embedding)
        "renamed": _edit(jim.pages, r"C\.\W*TRAINING OF PERSONNEL", "C. INSTRUCTION OF OFFICERS"),
    }
    docs = [jim, _load(CRENSHAW), _load(ARCADIA), _load(FL_DOC)] + [_variant(n, p) for n, p in variants.items()]
    with Corpus(path) as corpus:
        for doc in docs:
            corpus.add_document(annotate(doc))
    return path


@pytest.fixture(scope="module")
def report(report_db):
    from reports.clauses import build_clause_report
    with Corpus(report_db) as corpus:
        return build_clause_report(corpus)


def _agreement(report, name: str) -> dict:
    [found] = [a for a in report["agreements"] if Path(a["path"]).name.startswith(name)]
    return found


def _deviations(report, name: str) -> set[tuple[str, str]]:
    return {(d["key"], d["status"]) for d in _agreement(report, name)["deviations"]}


def test_every_agreement_is_split_and_aligned(report):
    assert report["summary"]["by_model"] == {"JEM": 1, "TFM": 1, "WSO": 6}
    for a in report["agreements"]:
        assert a["warning"] is None and a["clauses"] >= 20, a["path"]
        assert a["aligned"] >= 20
    assert not report["summary"]["unreadable"]


def test_generated_differences_are_found_and_nothing_else(report):
    assert _deviations(report, "TEXAS__JimWells") == set()
    assert _deviations(report, "hours72") == {("wso/appendix/complaint-procedures", "variant")}
    assert _deviations(report, "dropped") == {("wso/interpretation-services", "missing")}
    assert _deviations(report, "added") == {("wso/body-worn-cameras", "added")}
    assert _deviations(report, "renamed") == set()
    # the OCR'd Crenshaw agreement differs only where agreements are filled in (its points of contact)
    assert _deviations(report, "ALABAMA__Crenshaw") <= {("wso/points-of-contact", "variant"),
                                                         ("wso/appendix/public-information-points-of-contact", "variant")}


def test_changed_number_is_called_out_with_a_redline(report):
    [key] = [k for k in report["keys"] if k["key"] == "wso/appendix/complaint-procedures"]
    reference, *others = key["variants"]
    assert reference["count"] == 5 and "48 hours, excluding weekends" in reference["text"]
    [changed] = [v for v in others if _agreement(report, "hours72")["document_id"] in v["documents"]]
    assert changed["count"] == 1
    assert changed["numbers"] == [{"unit": "hours", "reference": [48], "variant": [72]}]
    assert [op for op in changed["redline"] if op[0] != "equal"] == [["delete", "48"], ["insert", "72"]]
    [dev] = _agreement(report, "hours72")["deviations"]
    assert dev["numbers"] == changed["numbers"] and dev["page"] == 9


def test_missing_added_and_renamed_clauses(report):
    [key] = [k for k in report["keys"] if k["key"] == "wso/interpretation-services"]
    assert key["missing"] == [_agreement(report, "dropped")["document_id"]]
    assert key["agreements_with"] == 5 and key["agreements_in_model"] == 6
    [addition] = report["additions"]
    assert addition["heading"] == "J. BODY-WORN CAMERAS" and addition["page"] == 5
    assert "180 days" in addition["text"]
    rows = [r for r in report["rows"] if r["document_path"].endswith("renamed.pdf")
            and r["clause_key"] == "wso/training-of-personnel"]
    assert rows == [dict(rows[0], status="standard", heading="C. INSTRUCTION OF OFFICERS")]
    assert report["summary"]["alignment"]["embedding"] == 1


def test_flags(report):
    flags = {name: _agreement(report, name)["flags"] for name in ("TEXAS__JimWells", "hours72", "dropped",
                                                                   "FLORIDA__Arcadia")}
    assert flags["TEXAS__JimWells"]["non_disclosure"]["status"] == "present"
    assert flags["TEXAS__JimWells"]["non_disclosure"]["page"] == 6
    assert flags["TEXAS__JimWells"]["public_records"]["status"] == "present"
    assert flags["TEXAS__JimWells"]["termination"]["value"] == "90-day, 90-days"
    assert flags["hours72"]["complaint_procedure"]["status"] == "changed"
    assert flags["dropped"]["language_access"]["status"] == "absent"
    assert flags["TEXAS__JimWells"]["language_access"]["status"] == "present"
    # the TFM agreement states its language access inside its civil-rights section
    assert flags["FLORIDA__Arcadia"]["language_access"]["key"] == "tfm/civil-rights-standards"


def test_template_supplies_the_reference(report_db, tmp_path):
    """A template whose training clause asks for 80 percent: every agreement's 70 percent differs."""
    from reports.clauses import build_clause_report
    with Corpus(report_db) as corpus:
        pages = corpus.conn.execute(
            "SELECT p.text FROM pages p JOIN documents d ON d.id = p.document_id"
            " WHERE d.file_name = ? ORDER BY p.page_number", [JIM_WELLS.name]).fetchall()
        template = tmp_path / "wso-template.txt"
        template.write_text("\f".join(t.replace("70 percent", "80 percent").replace("70-percent", "80-percent")
                                      for (t,) in pages))
        result = build_clause_report(corpus, model="WSO", template=template)
    assert result["summary"]["by_model"] == {"WSO": 6}
    [key] = [k for k in result["keys"] if k["key"] == "wso/training-of-personnel"]
    reference, other = key["variants"]
    assert key["reference"]["source"] == "template" and reference["from_template"] and reference["count"] == 0
    assert other["count"] == 6 and other["numbers"] == [{"unit": "percent", "reference": [80, 80, 80],
                                                          "variant": [70, 70, 70]}]
    untouched = [k for k in result["keys"] if k["key"] == "wso/ice-supervision"][0]
    assert untouched["reference"]["source"] == "template" and untouched["variants"][0]["count"] == 6


def test_text_normalisation():
    from reports.text import display_text, fingerprint, quantities
    from reports.variants import compare
    assert fingerprint("the terms ofthis MOA") == fingerprint("the tenns of this MOA")
    assert fingerprint("performed") == fingerprint("perfonned")
    assert fingerprint("48 hours") != fingerprint("72 hours")
    assert display_text("Jim Wells County Sheriff's Office, TX agrees", None) == "[LEA] agrees"
    assert display_text("co-\nlocated with ICE") == "colocated with ICE"
    found = [(q["value"], q["unit"]) for q in quantities(
        "upon 90-day written notice, within 48 hours, two (2) years, a 70-percent rating, $1,500.00")]
    assert found == [(90, "days"), (48, "hours"), (2, "years"), (70, "percent"), (1500, "dollars")]
    ops, changed, _ = compare("the FOD or the DHS policy of this MOA", "the FOO or the OHS policy ofthis MOA")
    assert changed == 0 and [op for op, _ in ops] == ["equal"]
    ops, changed, _ = compare("ICE may terminate upon notice", "ICE shall not terminate upon notice")
    assert changed == 2


def test_cli_writes_all_four_files(report_db, tmp_path):
    from typer.testing import CliRunner
    from readingroom.cli import app
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["--corpus", str(report_db), "report", "clauses", "--model", "wso",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "6 agreements (WSO 6)" in result.output
    assert {p.name for p in out.iterdir()} == {"report.html", "report.md", "clauses.csv", "report.json"}
    data = json.loads((out / "report.json").read_text())
    with (out / "clauses.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["document_path", "document_id", "agency", "state", "model", "clause_key",
                             "variant_id", "status", "heading", "page_number"]
    wso_keys = [k["key"] for k in data["keys"]]
    assert len(rows) == 6 * len(wso_keys) + 1             # every agreement x key, plus the one addition
    assert {(r["clause_key"], r["status"]) for r in rows if r["document_path"].endswith("dropped.pdf")
            and r["status"] not in ("standard", "near-standard")} == {("wso/interpretation-services", "missing")}
    md = (out / "report.md").read_text()
    assert "wso/appendix/complaint-procedures" in md and "hours: 48 → 72" in md
    # the summary line counts the clause keys (it once printed the dict's `keys` method)
    for text in (md, (out / "report.html").read_text()):
        assert f"{len(wso_keys)} clause keys" in text and "built-in method" not in text
    bad = CliRunner().invoke(app, ["--corpus", str(report_db), "report", "clauses", "--model", "XYZ",
                                   "--out", str(out)])
    assert bad.exit_code == 2
    none = CliRunner().invoke(app, ["--corpus", str(report_db), "report", "clauses", "--state", "Alaska",
                                    "--out", str(out)])
    assert none.exit_code == 2 and "no agreements match" in none.output


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_html_renders_in_a_real_browser_and_matches_the_json(report, tmp_path):
    browser = _chromium()
    if not browser:
        pytest.skip("chromium is not on PATH (apt-get install chromium)")
    from bs4 import BeautifulSoup
    from reports.clauses import write_clause_report
    paths = write_clause_report(report, tmp_path / "out")
    html = paths["html"].read_text()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), "the page must need no network"
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--dump-dom", paths["html"].resolve().as_uri()],
        capture_output=True, text=True, timeout=180).stdout
    soup = BeautifulSoup(dom, "html.parser")
    assert soup.title.string == "287(g) agreements: clause variation"
    assert soup.select_one("#agreement-count").get_text() == str(report["summary"]["agreements"])
    assert soup.select_one("#chart-years") is not None
    shown = [(tr["data-key"], tr["data-variant"], int(tr.select("td")[4].get_text()))
             for tr in soup.select("#clause-variants tbody tr")]
    assert shown == [(k["key"], v["id"], v["count"]) for k in report["keys"] for v in k["variants"]]
    deviations = sorted((tr["data-doc"], tr["data-key"], tr["data-status"]) for tr in soup.select("#deviations tbody tr"))
    assert deviations == sorted((a["document_id"], d["key"], d["status"]) for a in report["agreements"]
                                for d in a["deviations"])
    flags = {(td.parent["data-doc"], td["data-flag"]): td["data-status"] for td in soup.select("#flags-by-agreement td[data-flag]")}
    assert flags == {(a["document_id"], f): v["status"] for a in report["agreements"] for f, v in a["flags"].items()}
    redline = soup.select_one('section[data-key="wso/appendix/complaint-procedures"]')
    assert [d.get_text() for d in redline.select("del")] == ["48"] and [i.get_text() for i in redline.select("ins")] == ["72"]
