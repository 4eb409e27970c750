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


def test_statutes_acts_and_sections_have_their_own_spans():
    found = entities("Under Section 287(g) of the Immigration and Nationality Act (INA), 8 U.S.C. § 1357(g) (1996), "
                     "as amended by the Homeland Security Act of 2002, and the Federal Tort Claims Act, "
                     "5 U.S.C. § 8101 et seq., the INA applies.")
    laws = [text for t, text, _ in found if t == "LAW"]
    assert laws == ["Section 287(g) of the Immigration and Nationality Act", "INA", "8 U.S.C. § 1357(g)",
                    "Homeland Security Act of 2002", "Federal Tort Claims Act", "5 U.S.C. § 8101 et seq.", "INA"]
    assert not [f for f in found if f[0] == "DATE"]          # 1996 and 2002 are not dates


def test_an_act_needs_a_name_not_a_determiner():
    found = entities("This Act takes effect now. The Act was signed. Pursuant to the Privacy Act, records are kept.")
    assert [text for t, text, _ in found if t == "LAW"] == ["Privacy Act"]


def test_email_header_people_last_first_and_recipient_lists():
    text = ('From: "Neal, Louis (OAH)" <louis.neal@example.gov>\n'
            "To: Lew, Jacob J; Mills, Cheryl D; H\n"
            "Cc: Nora Toiv [mailto:nt@example.gov]\n"
            "Subject: Hearing\n\nLouis, please call Jacob today.\n")
    found = entities(text)
    people = [(text, name) for t, text, name in found if t == "PERSON"]
    assert ("Neal, Louis", "Louis Neal") in people
    assert ("Lew, Jacob J", "Jacob J Lew") in people
    assert ("H", "H") in people and ("Nora Toiv", "Nora Toiv") in people
    # the first names used later in the body are the same people
    assert ("Louis", "Louis Neal") in people and ("Jacob", "Jacob J Lew") in people
    assert not [f for f in found if f[0] == "GPE"]


def test_one_word_header_names_need_a_list_or_an_address():
    found = entities("To: Be\nSubject: Minutes\n\nThe board met.")
    assert not [f for f in found if f[0] == "PERSON"]


def test_person_spans_leave_out_titles_and_keep_suffixes():
    found = entities("The agreement was signed by Sheriff John Smith and Jailer Mary Jones on March 3, 2025.\n\n"
                     "Thanks,\nLouis L. Neal, Jr.\nDeputy General Counsel\n")
    people = [text for t, text, _ in found if t == "PERSON"]
    assert "John Smith" in people and "Mary Jones" in people
    assert "Louis L. Neal, Jr." in people
    assert not [p for p in people if p.startswith(("Sheriff", "Jailer"))]


def test_capitalised_common_words_and_acronym_phrases_are_not_people():
    found = entities("Hi Traci --\nDraft minutes can be published. OAH may publish a draft by Monday.\n"
                     "FOIA Request for all records.")
    people = [text for t, text, _ in found if t == "PERSON"]
    assert "Draft" not in people and "FOIA Request" not in people


def test_initialisms_of_named_agencies_and_lea_are_agencies():
    found = entities("The Chicago Police Department received the request. CPD will respond in writing.\n"
                     "Each LEA officer and the LEA's supervisor must attend.")
    cpd = [f for f in found if f[1] == "CPD"]
    assert cpd == [("AGENCY", "CPD", "Chicago Police Department")]
    assert [f[0] for f in found if f[1] == "LEA"] == ["AGENCY", "AGENCY"]
    # no initialism without the full name in the document
    assert not [f for f in entities("CPD will respond.") if f[1] == "CPD" and f[0] == "AGENCY"]


def test_addresses_give_city_and_state_and_washington_dc_is_one_place():
    found = entities("3510 S. Michigan Ave.\nChicago, IL 60653\n\n441 4th Street NW, Suite 450N\nWashington, DC 20001\n")
    places = [(text, name) for t, text, name in found if t == "GPE"]
    assert ("Chicago", "Chicago") in places and ("IL", "Illinois") in places
    assert [p for p in places if p[0].startswith("Washington")] == [("Washington, DC", "Washington, D.C.")]
    assert not [f for f in found if f[1] == "Suite"]


def test_ctime_stamps_are_dates():
    found = entities("Sent: Sat Mar 27 08:25:24 2010\nSubject: Can you talk?")
    assert ("DATE", "Sat Mar 27 08:25:24 2010", "2010-03-27") in found


def test_agency_abbreviations_are_spelled_out():
    from nlp.normalize import canonical_agency
    assert canonical_agency("Boca Raton Police Svs Dept") == "Boca Raton Police Services Department"
    assert canonical_agency("Collier Co. Sheriffs Office") == "Collier County Sheriff's Office"
    assert canonical_agency("Svsomething Office") == "Svsomething Office"
