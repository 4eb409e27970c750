"""Entity rules on generated text: what the general model gets wrong in these records."""
from __future__ import annotations

from corpus.records import Document, Page
from nlp.annotate import annotate


def entities(text: str) -> list[tuple[str, str, str]]:
    doc = annotate(Document(id="x", path="x.txt", file_name="x.txt", media_type="text/plain",
                            pages=[Page(1, text)]))
    return [(m.type, m.text, m.canonical) for m in doc.mentions]


def test_statute_subsections_are_not_foia_exemptions():
    found = entities("Claims under 28 U.S.C. § 1346(b)(1) and 8 C.F.R. § 241.2(b)(2) were withheld under (b)(6).")
    assert ("LAW", "28 U.S.C. § 1346(b)(1)", "28 U.S.C. § 1346(b)(1)") in found
    assert ("LAW", "8 C.F.R. § 241.2(b)(2)", "8 C.F.R. § 241.2(b)(2)") in found
    assert [f for f in found if f[0] == "FOIA_EXEMPTION"] == [("FOIA_EXEMPTION", "(b)(6)", "(b)(6)")]


def test_release_stamps_split_into_codes_and_skip_classification_reasons():
    found = entities("Case No. F-2015-04841 RELEASE IN PART B1,1.4(D),B6\nWithheld under Ex. 6 and 7(C).")
    codes = [c for t, _, c in found if t == "FOIA_EXEMPTION"]
    assert codes == ["(b)(1)", "(b)(6)", "(b)(6)", "(b)(7)(C)"]
    assert ("FOIA_MARKING", "RELEASE IN PART", "release in part") in found


def test_bare_b_codes_need_a_release_stamp():
    assert not [f for f in entities("Take vitamin B6 with Form B1 daily.") if f[0] == "FOIA_EXEMPTION"]


def test_dates_are_iso_and_durations_are_not_dates():
    found = entities("Signed March 25, 2025 and 3/25/25 and 25 MAR 2025; valid for three years; Act of 2002.")
    assert [c for t, _, c in found if t == "DATE"] == ["2025-03-25"] * 3


def test_agencies_and_defined_acronyms_resolve_to_one_name():
    found = entities("an agreement between U.S. Immigration & Customs Enforcement (ICE) and the Jim Wells County "
                     "Sheriff's Office (JWCSO). The JWCSO will nominate officers; ICE will train them.")
    names = {(t, c) for t, _, c in found}
    assert ("AGENCY", "U.S. Immigration and Customs Enforcement") in names
    jwcso = [f for f in found if f[1] == "JWCSO"]
    assert jwcso and all(f[0] == "AGENCY" and f[2] == "Jim Wells County Sheriff's Office" for f in jwcso)


def test_state_codes_need_capitals():
    found = entities("La Paz County, Arizona, and Crenshaw County Sheriffs Office, AL.")
    assert ("AGENCY", "Crenshaw County Sheriffs Office", "Crenshaw County Sheriff's Office") in found
    assert ("GPE", "Arizona", "Arizona") in found
    assert not [f for f in found if f[2] == "Louisiana"]
