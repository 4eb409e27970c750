"""Agreement facts and signatories: signature blocks as the 287(g) forms print them, and the
bundled sample MOAs end to end (load, annotate, read the facts)."""
from __future__ import annotations

import pytest
from conftest import ARCADIA, FL_DOC, JIM_WELLS

from corpus.records import Document, Page
from nlp.signature_block import ICE_NAME, block_items, read_signers, signature_page

SIGNING = ("By signing this MOA, each party represents it is fully authorized to enter into this MOA, accepts\n"
           "the terms, responsibilities, obligations, and limitations of this MOA, and agrees to be bound thereto\n"
           "to the fullest extent allowed by law.\n")


def signers(block: str) -> dict[str, object]:
    text = "This MOA does not create any rights.\n" + SIGNING + block
    doc = Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf",
                   pages=[Page(1, "I. PURPOSE\n"), Page(2, text)])
    number, offset = signature_page(doc)
    assert number == 2
    return {s.name: s for s in read_signers(block_items(text, offset))}


def test_stacked_name_title_agency_blocks():
    found = signers("For the LEA: \nFor ICE: \nDate:______ \nSignature: ______\nName: ______\nTitle: _____\n"
                    "Agency: ______\n3/18/25\nPat Q. Example\nSheriff\nExample County Sheriff's Office, Alabama\n"
                    "March 26, 2025\nRobin T. Sample\nActing Director\nU.S. Immigration & Customs Enforcement\n"
                    "Revised 03/07/2025\n")
    assert set(found) == {"Pat Q. Example", "Robin T. Sample"}
    assert (found["Pat Q. Example"].title, found["Pat Q. Example"].party) == ("Sheriff", None)
    assert (found["Robin T. Sample"].title, found["Robin T. Sample"].party) == ("Acting Director", "ICE")
    assert found["Pat Q. Example"].date == "2025-03-18"
    assert found["Robin T. Sample"].date == "2025-03-26"       # the date printed above the name


def test_two_columns_read_across_a_row_pair_names_titles_and_dates():
    found = signers("For the LEA \nFor ICE \n02/19/25 \nDate ______\nFebruary 26, 2025 \nSignature ____\n"
                    "Name ______\nAlex Example\nJordan Sample\nName ______\nTitle Sheriff______\nTitle _____\n"
                    "Acting Director\nAgency ______\nU.S. Immigration & Customs\nEnforcement\n")
    assert found["Alex Example"].title == "Sheriff" and found["Alex Example"].date == "2025-02-19"
    assert found["Jordan Sample"].title == "Acting Director" and found["Jordan Sample"].date == "2025-02-26"
    assert found["Jordan Sample"].party == "ICE"


def test_for_ice_label_decides_the_column_and_date_beside_title():
    found = signers("For the LEA: Lee Example \nFor ICE: Sam Sample \nDate: _______\nSignature: ______\n"
                    "Title: ______\nMarch 7, 2025 \nActing Director \nEXAMPLE COUNTY SHERIFF'S OFFICE \n"
                    "Rev 2/14/25 7\n")
    assert found["Sam Sample"].party == "ICE" and found["Sam Sample"].title == "Acting Director"
    assert found["Sam Sample"].date == "2025-03-07"
    assert found["Lee Example"].title is None and found["Lee Example"].date is None


def test_digital_signature_names_and_dates_its_signer():
    found = signers("For the LEA: \nFor ICE: \n03/18/2025\nTitle:\n______\nSignature: ____\nDate:____\n"
                    "March 25, 2025\nActing Director\nDigitally signed by Dana\nDana \nExample \n"
                    "Date: 2025.03.18 15:06:11\nExample \n-04'00' \n")
    assert list(found) == ["Dana Example"]
    assert found["Dana Example"].date == "2025-03-18"
    # ICE's "Acting Director" stays ICE's: the agency's signer has no title printed
    assert found["Dana Example"].title is None


def test_digital_stamp_merges_with_the_printed_name_and_ocr_initials():
    found = signers("Date: CHRISTOPHER M\nDigitally signed by CHRISTOPHER\nEXAMPLE\nMEXAMPLE\n"
                    "Date: 2020.D6.30 16:47:50 -04'00'\nC.M . Example\nAssistant Director, Enforcement\n"
                    "Enforcement and Removal Operations\nU.S. Immigration and Customs Enforcement\n")
    assert list(found) == ["C.M. Example"]
    person = found["C.M. Example"]
    assert (person.title, person.party, person.date) == ("Assistant Director, Enforcement", "ICE", "2020-06-30")


def test_shifted_font_labels_are_read():
    # `Name`, `Title` and `____` in a font whose glyphs are shifted by 29 code points
    found = signers(")RUWKH/($\n)RU,&(\n'DWH BBBBBBBB\n6LJQDWXUH BBBBBBBB\nKIM R EXAMPLE\n1DPH BBBBBBBB\n"
                    "SHERIFF\n7LWOH BBBBBBBB\nEXAMPLE COUNTY SHERIFF'S OFFICE\n")
    assert list(found) == ["Kim R Example"]
    assert found["Kim R Example"].title == "Sheriff"


def test_shared_title_field_is_not_the_agency_signers():
    """A form that has one `Title` field for both parties shows ICE's title in both columns."""
    found = signers("For the LEA: For ICE:\n02/28/2025 March 5, 2025\nDate:_____ Date:______\nSIGN SIGN\n"
                    "Quinn Example\nSignature: ______ Signature:______\n"
                    "Title: Acting Director ______ Title:______ Acting Director\nRevised 02/12/2025\n")
    assert found["Quinn Example"].title is None
    assert found["Quinn Example"].party != "ICE"


def test_ocr_noise_around_dates_and_both_columns_on_one_line():
    found = signers("For the LEA: For ICE:\nDate: 63 Po 2S Date: \u2014March 17, 2025-> =\n"
                    "Name; Lou Example Name:__Sam Sample\nTitle; Sheriff Title: _ Acting Director\n"
                    "Agency: Example County Sheriff's Office Agency: U.S. Immigration & Customs\nEnforcement\n")
    assert (found["Lou Example"].title, found["Lou Example"].party) == ("Sheriff", "LEA")
    assert (found["Sam Sample"].title, found["Sam Sample"].party) == ("Acting Director", "ICE")
    assert found["Sam Sample"].date == "2025-03-17" and found["Lou Example"].date is None


def test_a_signature_appearance_and_the_printed_name_are_one_signer():
    found = signers("For the LEA: \nFor ICE: \nDate:____\nMichael Example\nDigitally signed by Michael\nExample\n"
                    "Date: 2025.03.14 09:51:01\nMichael S. Example\nDirector of Public Safety\n"
                    "Town of Example Island, Department of Public Safety; Florida\n")
    assert list(found) == ["Michael S. Example"]
    assert (found["Michael S. Example"].title, found["Michael S. Example"].date) == ("Director of Public Safety",
                                                                                     "2025-03-14")


def test_agency_from_the_signature_block_when_nothing_else_names_it():
    from nlp.signature_block import block_agency
    doc = Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf",
                   pages=[Page(1, SIGNING + "Pat Example\nDirector of Public Safety\n"
                                  "Town of Example Island, Department of Public Safety; Florida\n"
                                  "Robin Sample\nActing Director\nU.S. Immigration & Customs Enforcement\n")])
    assert block_agency(doc) == "Town of Example Island, Department of Public Safety"


def test_an_ocr_garbled_287g_moa_is_still_an_moa():
    from nlp.doctype import classify
    head = ("MEMORANDUM OF AGREEMENT\nI. PARTIES\nThis Memorandum of Agreement (MOA) constitutes an agreement "
            "between U.S. Immigration and Customs Enforcement (ICE) and the Example County Sheriff's Office,\n"
            "pursuant to which ICE delegates the authority to perform certain immigration enforcement functions.\n"
            "III. AUTHORITY\nSccrion :?87(g) of the Immigration and Nationality Act (INA)\n")
    doc = Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf", pages=[Page(1, head)])
    assert classify(doc) == "moa"
    letter = Document(id="y", path="y.pdf", file_name="y.pdf", media_type="application/pdf",
                      pages=[Page(1, "Dear Ms. Example,\nThis responds to your FOIA request.\nSincerely,\n")])
    assert classify(letter) == "foia_letter"


def test_no_signature_block_no_signers():
    doc = Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf",
                   pages=[Page(1, "Dear Sir,\nPlease find the records.\nSincerely,\nA. Clerk\n")])
    assert signature_page(doc) is None


# ---------------------------------------------------------------- the bundled sample MOAs

@pytest.fixture(scope="module")
def annotated():
    from ingest.load import load_bytes
    from ingest.options import IngestOptions
    from nlp.annotate import annotate
    from nlp.pipeline import load_pipeline
    nlp = load_pipeline()
    docs = {}
    for path in (JIM_WELLS, ARCADIA, FL_DOC):
        doc = list(load_bytes(path.read_bytes(), str(path), IngestOptions(ocr="off"), recurse=False))[-1]
        docs[path.name.split("_")[2]] = annotate(doc, nlp)
    return docs


def people(doc) -> dict[str, dict]:
    return {p["name"]: p for p in doc.signatories if p["role"] == "signatory"}


def test_jim_wells_facts_and_both_signers(annotated):
    doc = annotated["JimWellsCoSO"]
    agr = doc.agreement
    assert (agr["agency"], agr["state"], agr["model"]) == ("Jim Wells County Sheriff's Office", "Texas", "WSO")
    assert agr["revision_date"] == "2025-02-15" and agr["signed_date"] == "2025-03-25"
    found = people(doc)
    assert set(found) == {"Joseph Baker", "Todd M. Lyons"}
    assert found["Joseph Baker"]["title"] == "Sheriff"
    assert found["Joseph Baker"]["organization"] == "Jim Wells County Sheriff's Office"
    assert found["Joseph Baker"]["signed_date"] is None          # left blank on the form
    lyons = found["Todd M. Lyons"]
    assert (lyons["title"], lyons["organization"], lyons["signed_date"]) == ("Acting Director", ICE_NAME, "2025-03-25")
    assert {p["page_number"] for p in found.values()} == {7}


def test_arcadia_agency_signer_does_not_inherit_ices_title(annotated):
    doc = annotated["ArcadiaPDFL"]
    assert doc.agreement["model"] == "TFM" and doc.agreement["state"] == "Florida"
    assert doc.agreement["signed_date"] == "2025-03-05"           # the later of the two dates
    found = people(doc)
    assert "Quinn Jones" in found
    assert found["Quinn Jones"]["title"] != "Acting Director"
    assert found["Quinn Jones"]["organization"] != ICE_NAME


def test_2020_jail_enforcement_moa_signers(annotated):
    doc = annotated["287gJEM"]
    assert (doc.agreement["model"], doc.agreement["state"]) == ("JEM", "Florida")
    found = people(doc)
    assert found["Mark S. Inch"]["title"] == "Secretary"
    assert found["Mark S. Inch"]["organization"] == doc.agreement["agency"]
    cronen = found["C.M. Cronen"]
    assert (cronen["title"], cronen["organization"]) == ("Assistant Director, Enforcement", ICE_NAME)
    assert cronen["signed_date"] == "2020-08-21"                    # from the digital signature's stamp
    assert doc.agreement["signed_date"] == "2020-08-21"


def test_every_sample_moa_has_agency_state_and_model(annotated):
    for doc in annotated.values():
        agr = doc.agreement
        assert agr["agency"] and agr["state"] and agr["model"], (doc.file_name, agr)


def test_state_of_a_county_named_after_a_state_comes_from_the_field_office():
    from nlp.agreements import _state
    doc = Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf",
                   pages=[Page(1, "notice to the FOD in the Miami Field Office\n")])
    assert _state(doc, "Washington County Sheriff's Office") == "Florida"
    assert _state(doc, "Texas Office of the Attorney General") == "Texas"
    assert _state(doc, "Example Police Department, IN") == "Indiana"


def test_state_in_the_name_after_it_and_from_icess_list():
    """Real cases from the 165 MOAs that once came out in the wrong state."""
    from nlp.agreements import _listed_state, _state
    def doc(text):
        return Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf", pages=[Page(1, text)])
    # a state inside the name (not Massachusetts, from the OPLA office in Boston)
    assert _state(doc("OPLA field location at Boston, Massachusetts\n"), "Wells Maine Police Department") == "Maine"
    # printed after the name in the opening sentence, and after a city of two words in a footer
    assert _state(doc("and the Oconee County Sheriffs Office, SC , hereinafter the law enforcement agency\n"
                      "180 Ted Turner Drive SW, Atlanta, Georgia 30303\n"), "Oconee County Sheriff's Office") == "South Carolina"
    assert _state(doc("WOOD COUNTY SHERIFF'S OFFICE, WISCONSIN RAPIDS, WI 1 Revised 02/15/2025\n"
                      "CHICAGO FIELD OFFICE, Chicago, Illinois\n"), "Wood County Sheriff's Office") == "Wisconsin"
    # ICE's list: one state; else the entry of this model; else of this model signed that month
    fl = {"state": "Florida", "model": "TFM", "signed": "2025-02-26"}
    assert _listed_state([fl, {"state": "Texas", "model": "WSO", "signed": "2025-05-07"}], "TFM", None) == "Florida"
    utah = {"state": "Utah", "model": "TFM", "signed": "2025-03-21"}
    assert _listed_state([fl, utah], "TFM", None) is None                 # unknown, not a guess
    assert _listed_state([fl, utah], "TFM", "2025-03-20") == "Utah"
    assert _listed_state([fl, dict(fl, model="WSO")], None, None) == "Florida"


def test_ocr_specks_in_a_two_column_name_row_do_not_lose_a_signer():
    """Cowley KS, as Tesseract reads it: a speck inside the sheriff's name and a stray quote
    must not leave ICE's signer alone with the sheriff's title."""
    text = ("to the fullest extent allowed by law.\n\nFor the LEA: For ICE:\n\n"
            "Date: Fe bre org AS’, AOR Date: March 5, 2025 _\n\n"
            "Name: David f A. Falletti” Name: Caleb Vitello\n\nTitle: Sheriff Title: Acting Director\n\n"
            "Agency: Cowley County Sheriffs Office Agency: U-S. Immigration & Customs\nEnforcement\n")
    signers = {s.name: s for s in read_signers(block_items(text, 0))}
    assert signers["David A. Falletti"].title == "Sheriff" and signers["David A. Falletti"].party == "LEA"
    assert signers["Caleb Vitello"].title == "Acting Director" and signers["Caleb Vitello"].date == "2025-03-05"


def test_ocr_misspelt_labels_and_titles_do_not_make_signers():
    """Lee County FL, as Tesseract reads it: `Yor ICE:` is a label, not a person, and `Sherif`
    is the sheriff's title."""
    text = ("to the fullest extent allowed by law.\n\nFor the LEA: Yor ICE:\n\nDate: > aa Date: March 3, 2025\n\n"
            "Signature: jj 27 a Z. 5 Signature: A Za. —-\n\nName: Carmine Marceno\n\nName: Caleb Vitello\n\n"
            "Title, Sherif Title; __ Acting Director\n\nAgency: Lee County Sheriff's Office Agency: U.S. Immigration"
            " & Customs\n\nEnforcement\n")
    signers = {s.name: s.title for s in read_signers(block_items(text, 0))}
    assert signers == {"Carmine Marceno": "Sheriff", "Caleb Vitello": "Acting Director"}


def test_points_of_contact_are_names_not_ocr_debris():
    from corpus.records import Document, Mention, Page
    from nlp.signatories import extract_people
    text = "APPENDIX A\nPOINTS OF CONTACT\nCaptain José García\nShei Dai L& Falle+h\n"
    doc = Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf",
                   pages=[Page(number=1, text="Memorandum of Agreement."), Page(number=2, text=text)])
    for name in ("José García", "Shei Dai L& Falle+h"):
        start = text.index(name)
        doc.mentions.append(Mention(type="PERSON", text=name, canonical=name, normalized=None, page=2,
                                    start=start, end=start + len(name)))
    contacts = [p for p in extract_people(doc, "Cowley County Sheriff's Office") if p["role"] == "point_of_contact"]
    assert [(p["name"], p["title"]) for p in contacts] == [("José García", "Captain")]


def test_the_opening_sentence_names_the_party_when_the_ner_does_not():
    from corpus.records import Document, Page
    from nlp.agreements import _opening_party
    def doc(opening):
        return Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf",
                        pages=[Page(number=1, text="MEMORANDUM OF AGREEMENT\nThis Memorandum of Agreement (MOA)\n"
                                                   "constitutes an agreement between " + opening)])
    assert _opening_party(doc("United States Immigration and Customs Enforcement (ICE), a component of the\n"
                              "Department of Homeland Security (DHS), and the Oklahoma Bureau of Narcotics and\n"
                              "Dangerous Drugs Control (“OBNDD”), pursuant to which ICE delegates")) == \
        "Oklahoma Bureau of Narcotics and Dangerous Drugs Control"
    assert _opening_party(doc("U.S. Immigration and Customs Enforcement (ICE), a component of the Department of "
                              "Homeland Security (DHS), and the City of St. Augustine, pursuant to which")) == \
        "City of St. Augustine"
    # a form left blank names nobody
    assert _opening_party(doc("U.S. Immigration and Customs Enforcement (ICE), a component of the Department of "
                              "Homeland Security (DHS), and the hereinafter the law enforcement agency (LEA),")) is None
    assert _opening_party(doc("United States Immigration and Customs Enforcement (ICE), a component of the "
                              "Department of Homeland Security (DHS), and the____________________, pursuant to")) is None


def test_a_form_whose_opening_sentence_is_blank_names_the_party_in_its_field():
    """Daytona Beach Shores FL and the Florida State Guard: the opening sentence's blank is a
    form field, whose value comes out on a line of its own."""
    from nlp.agreements import _filled_in_party
    def doc(first_page):
        return Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf",
                        pages=[Page(1, first_page)])
    assert _filled_in_party(doc(
        "This Memorandum of Agreement (MOA) constitutes an agreement between United States\n"
        "Immigration and Customs Enforcement (ICE), a component of the Department of Homeland\n"
        "Daytona Beach Shores Dept. of Public Safety\nSecurity (DHS), and the , pursuant to which\n")) \
        == "Daytona Beach Shores Department of Public Safety"
    assert _filled_in_party(doc("personnel.\nDivision of the Florida State Guard (FSG)\nFSG\n")) \
        == "Division of the Florida State Guard"
    assert _filled_in_party(doc("Security (DHS), and the\nU.S. Department of Homeland Security\n")) is None


def test_an_moa_whose_title_ocr_garbled_is_still_an_moa():
    from nlp.doctype import classify
    text = ("Pittsburgh Police Department, NH !VIEMORANDUM OF AGREEMENT This Memorand1.nn of Agreement (NfOA) "
            "constitlltes an agreement between United States Immigration and Customs Enforcement (JCE), a component "
            "of the Department of Homeland Security (OHS), and the Pittsburg Police Department, pursuant to which ICE "
            "delegates to nominated officers the authority to perform certain immigration enforcement functions. "
            "Task Force Model")
    assert classify(Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf",
                             pages=[Page(1, text)])) == "moa"


def test_implausible_signing_dates_are_doubtful_readings_not_the_date():
    from datetime import date
    from nlp.agreements import plausible_signing
    today = date(2025, 8, 1)
    # Revised 02/15/2025 template (Jim Wells County), ICE's list: signed 2025-03-25
    assert plausible_signing("2025-03-25", "2025-02-15", ["2025-03-25"], today)
    assert not plausible_signing("2052-03-25", "2025-02-15", ["2025-03-25"], today)     # in the future
    assert not plausible_signing("2015-03-25", "2025-02-15", [], today)                 # before its template
    assert not plausible_signing("2020-10-16", None, ["2025-04-01"], today)             # years from ICE's list
    assert plausible_signing("2020-10-16", None, [], today)


def test_a_signers_title_belongs_to_the_signers_party():
    from nlp.signatories import _party_title
    assert _party_title("Acting Director", ice=False) is None       # ICE's title, printed in the LEA's column
    assert _party_title("Acting Director", ice=True) == "Acting Director"
    assert _party_title("Sheriff", ice=True) is None
    assert _party_title("Sheriff", ice=False) == "Sheriff"
    assert _party_title("Attorney General", ice=False) == "Attorney General"


def test_a_unit_of_the_agency_is_never_the_party():
    """Boca Raton's TFM agreement: the party is a fill-in field spaCy does not read as an agency,
    and 'the LEA's Internal Affairs Division' is the first agency named; it is a unit, not the party."""
    opening = ("MEMORANDUM OF AGREEMENT\n287(g) Task Force Model\nThis Memorandum of Agreement (MOA) constitutes an "
               "agreement between United States Immigration and Customs Enforcement (ICE), a component of the "
               "Department of Homeland Security (DHS), and the Boca Raton Police Services Department, pursuant to "
               "which ICE delegates to nominated, trained, and certified officers or employees of the BRPSD "
               "(hereinafter interchangeably referred to as \"Law Enforcement Agency\" (LEA)), the authority to "
               "perform certain immigration enforcement functions as specified herein.\n")
    complaints = ("XII. COMPLAINT PROCEDURES\nComplaints will be referred to the LEA's Internal Affairs Division "
                  "for resolution. The LEA's Internal Affairs Division will inform ICE of the outcome.\n")
    agency = _party(opening, complaints)
    assert agency and "Internal Affairs" not in agency and "Boca Raton" in agency


def _party(*pages: str) -> str | None:
    """The agreement's party as annotate reads it from these pages."""
    from nlp.annotate import annotate
    from nlp.pipeline import load_pipeline
    doc = Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf",
                   pages=[Page(i, text) for i, text in enumerate(pages, start=1)])
    return annotate(doc, load_pipeline()).agreement["agency"]


def test_a_court_the_clauses_cite_is_never_the_party():
    """St. Mary's County's WSO agreement: the NER cuts the party to 'County Sheriff's Office' (completed from the
    text), and a later page cites 'the Supreme Court's' holding, which is a body but never the party."""
    opening = ("MEMORANDUM OF AGREEMENT\nWarrant Service Officer Program\nI.\nPARTIES\nThis Memorandum ofAgreement (MOA) "
               "constitutes an agreement between U.S. Immigration and\nCustoms Enforcement (ICE), a component of the "
               "Department of Homeland Security (DHS), and\nthe\nSt. Mary’s County Sheriff’s Office\n- Maryland\n, "
               "hereinafter the law\nenforcement agency (LEA) , pursuant to which ICE delegates to nominated, trained, "
               "certified, and\nauthorized LEA personnel the authority to perform certain immigration enforcement "
               "functions.\n")
    rights = ("I. CIVIL RIGHTS STANDARDS\nThe LEA will comply with the Supreme Court’s holding on the use of "
              "force and with Title VI of the Civil Rights Act of 1964.\n")
    agency = _party(opening, rights)
    assert agency and "Court" not in agency and "Mary" in agency


def test_the_opening_sentence_names_the_party_where_the_mentions_do_not():
    """Miami-Dade's WSO agreement: the NER splits its party at the "and"; the opening sentence names it whole.
    Bay County's 2019 agreement (OCR: "B ay County Sheriffs Office"): ICE's "Miami Field Office" is never the party."""
    opening = ("MEMORANDUM OF AGREEMENT\nWarrant Service Officer Program\n\nI. PARTIES\n\nThis Memorandum of Agreement "
               "(MOA) constitutes an agreement between U.S. Immigration and\nCustoms Enforcement (ICE), a component of "
               "the Department of Homeland Security (DHS), and\nthe Miami-Dade County Corrections and Rehabilitation "
               "Department , hereinafter the law\nenforcement agency (LEA) , pursuant to which ICE delegates to "
               "nominated, trained, certified, and\nauthorized LEA personnel the authority to perform certain "
               "immigration enforcement functions.\n")
    assert _party(opening) == "Miami-Dade County Corrections and Rehabilitation Department"
    bay = ("MEMORANDUM OF AGREEMENT \nI. PARTIES \nThis Memorandum of Agreement (MOA) constitutes an agreement between "
           "U.S. Immigration and \nCustoms Enforcement QCE), a component of the Department of Homeland Security (DHS), "
           "and \nthe B ay County Sheriffs Office (BCSO) pursuant to which ICE delegates to nominated, trained, \n"
           "certified, and authorized personnel the authority to perfonn certain immigration enforcement \nfunctions.\n")
    contacts = "VII. POINTS OF CONTACT\nThe Miami Field Office will designate a point of contact for the BCSO.\n"
    assert "Field Office" not in (_party(bay, contacts) or "")
