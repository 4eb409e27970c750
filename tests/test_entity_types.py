"""Entity types that mean what they say, and names tied within a document: rules on short real
excerpts of the FOIA emails and State Department releases (quoted here, not read from disk)."""
from __future__ import annotations

import pytest

from corpus.records import Document, Page
from nlp.annotate import annotate


def mentions(text: str):
    return annotate(Document(id="x", path="x.txt", file_name="x.txt", media_type="text/plain",
                             pages=[Page(1, text)])).mentions


def by_type(found, type_):
    return {m.canonical for m in found if m.type == type_}


HEADER = ('From: "Grimaldi, John J. (BEGA)" <John.Grimaldi@dc.gov>\n'
          'To: "Collier, Tameka (BEGA)" <tameka.collier@dc.gov>\n'
          'Subject: FW: Bill 22-136\n\nFYI\n\n'
          "From: Grimaldi, John J. (BEGA)\nSent: Thursday, September 21, 2017 3:35 PM\n"
          "To: 'Edelman, Heather (Council)'\nCc: Flowers, Brian (BEGA)\nSubject: RE: Bill 22-136\n\n"
          "That works, Heather.  Thanks.\n\nJack\n")


def test_header_names_are_people_of_the_agency_in_brackets():
    found = mentions(HEADER)
    people = {m.canonical: m for m in found if m.type == "PERSON"}
    assert {"John J. Grimaldi", "Tameka Collier", "Heather Edelman", "Brian Flowers"} <= set(people)
    grimaldi = [m for m in found if m.canonical == "John J. Grimaldi"]
    # the bracket's acronym by the name the ruler knows it by
    assert grimaldi[0].attributes["agency"] == "Board of Ethics and Government Accountability"
    assert grimaldi[0].attributes["email"] == "john.grimaldi@dc.gov"
    assert {"Board of Ethics and Government Accountability", "Council of the District of Columbia"} \
        <= by_type(found, "AGENCY")
    assert "BEGA" in {m.text for m in found if m.type == "AGENCY"}
    # a first name is never an agency, nor an entity of its own: it is the full name's alias
    assert not {"John", "Tameka", "Heather", "Brian"} & (by_type(found, "AGENCY") | by_type(found, "PERSON"))
    assert {m.text for m in found if m.canonical == "Heather Edelman"} >= {"Heather"}
    assert {m.text for m in found if m.canonical == "John J. Grimaldi"} >= {"Jack"}     # a nickname of John


def test_a_bracketed_agency_is_not_the_acronym_of_the_person_before_it():
    found = mentions("I spoke with Hughes, Traci (BEGA) today. BEGA will respond by Friday.")
    assert "Traci" not in by_type(found, "AGENCY")
    assert not any(m.type == "AGENCY" and m.canonical.startswith("Hughes") for m in found)


def test_titles_are_kept_as_attributes_not_in_the_name():
    found = mentions("Thanks to Councilmember Charles Allen for the hearing on Bill 22-136.")
    allen = [m for m in found if m.type == "PERSON"]
    assert [m.canonical for m in allen] == ["Charles Allen"]
    assert allen[0].attributes["title"] == "Councilmember"


def test_subject_fragments_buildings_and_businesses_are_not_people():
    found = mentions("Subject: RE: District Lobbying Disclosures Bill Draft\n\n"
                     "The hearing is in Room 412 of the John A. Wilson Building, 1350 Pennsylvania Avenue.\n"
                     "Licenses were issued to Jeirrs Automotive and Cindys Beauty Salon.\n")
    people = by_type(found, "PERSON")
    assert not {p for p in people if "Draft" in p or "Building" in p or "Automotive" in p or "Beauty" in p}


def test_parties_companies_and_international_bodies_are_orgs_and_public_bodies_agencies():
    found = mentions("The Egyptian Muslim Brotherhood and its Freedom and Justice Party won; the Democratic "
                     "Unionist party objected. Wackenhut Services, Inc guards the embassy. The State Department "
                     "and the Office of Administrative Hearings were told.")
    orgs, agencies = by_type(found, "ORG"), by_type(found, "AGENCY")
    assert {"Freedom and Justice Party"} <= orgs
    assert not {"Egyptian Muslim Brotherhood", "Freedom and Justice Party", "Wackenhut Services, Inc"} & agencies
    assert "Office of Administrative Hearings" in agencies


def test_a_nickname_attaches_to_the_one_full_name_it_can_shorten():
    found = mentions("From: Mitchell, Katherine (Council) <kmitchell@DCCOUNCIL.US>\n"
                     "To: Grimaldi, John J. (BEGA)\nSubject: Re: BEGA Legislation\n\n"
                     "Kate, here's a revised quorum package.  Please give me a call to discuss.\n")
    kate = [m for m in found if m.text == "Kate"]
    assert kate and kate[0].canonical == "Katherine Mitchell"


def test_the_council_is_the_one_council_the_document_names():
    found = mentions("Cc: Weil, Sonia (Council)\n\nThe Council will hold its hearing on the bill next week.")
    assert [m.canonical for m in found if m.text == "Council" and m.type == "AGENCY"][-1] == \
        "Council of the District of Columbia"


def test_bodies_named_head_first_that_the_model_misses_are_agencies():
    # a DC Council signature block, and a CPD FOIA request's list of offices
    found = mentions("Sonia Weil\n\nLegislative Counsel\n\nCommittee on the Judiciary & Public Safety\n\n"
                     "Chair, Councilmember Charles Allen, Ward 6\n")
    assert "Committee on the Judiciary & Public Safety" in by_type(found, "AGENCY")
    found = mentions("Whether the case was referred to the offices of the Cook County State’s Attorney or the City "
                     "of Chicago Department of Law. We checked with the Board of Elections and the CPD Bureau of "
                     "Support Services.")
    assert {"City of Chicago Department of Law", "Board of Elections", "CPD Bureau of Support Services"} \
        <= by_type(found, "AGENCY")
    assert "Board of Directors" not in by_type(mentions("The Board of Directors of the NOC met."), "AGENCY")


def test_a_layout_gap_or_a_bullet_ends_a_name():
    found = mentions("Traci L. Hughes, Esq., Director\nDistrict of Columbia Office of  Open Government   Board of "
                     "Ethics and Government Accountability p: 202.481.3406")
    agencies = by_type(found, "AGENCY")
    assert {"District of Columbia Office of Open Government", "Board of Ethics and Government Accountability"} \
        <= agencies and not any("Government Board" in a for a in agencies)
    found = mentions("www.dcrb.dc.gov \n \n           E-mail: dcrb@dc.gov \n \n \n \nJanice Adams ● Jeffrey Barnette ● "
                     "Lyle M. Blanchard ● Joseph M. Bress ● Mary A. Collins ● Gary W. Hankins \n")
    people = by_type(found, "PERSON")
    assert {"Jeffrey Barnette", "Lyle M. Blanchard", "Joseph M. Bress", "Mary A. Collins"} <= people
    assert not any("●" in p for p in people)


def test_bodies_named_in_one_breath_are_each_a_mention():
    found = mentions("We, at OAH will be told by MOTA, The  Council and Superior Court who their appointees "
                     "are/will be. We have checked with ODAI.")
    agencies = by_type(found, "AGENCY")
    assert {"Superior Court", "Mayor's Office of Talent and Appointments",
            "Office of Documents and Administrative Issuances", "Office of Administrative Hearings"} <= agencies
    assert not any(" and Superior" in a for a in agencies)
    found = mentions("Current level of review (Superintendent, Department of Law, Department of\nProcurement or "
                     "the Board of Directors)")
    assert {"Department of Law", "Department of Procurement"} <= by_type(found, "AGENCY")
    # one body whose name holds an "and" stays one
    found = mentions("The Board of Ethics and Government Accountability and the Office of Budget and Finance met.")
    assert {"Board of Ethics and Government Accountability", "Office of Budget and Finance"} <= by_type(found, "AGENCY")


def test_the_attribution_of_a_quoted_message_names_a_person():
    found = mentions("Sent from my iPhone\n\n\nOn Feb 2, 2017, at 3:19 PM, Grimaldi, John J. (BEGA)\n"
                     "<John.Grimaldi@dc.gov <mailto:John.Grimaldi@dc.gov> > wrote:\n\n\tGood afternoon, Justin.\n")
    people = [m for m in found if m.type == "PERSON"]
    assert "John J. Grimaldi" in {m.canonical for m in people}
    assert not any(m.canonical.endswith(("(", "J")) for m in people)


def test_a_web_address_or_a_form_label_is_no_person():
    found = mentions("E-mail: police@cityofchicago.org · Website:\u200b www.cityofchicago.org/police\n"
                     "Sid\n\n\n\n1.http://latimesblogs.latimes.com/lanow/2011/01/")
    assert not {p for p in by_type(found, "PERSON") if ":" in p or "http" in p}


def test_two_bodies_run_together_are_two_and_a_cut_name_is_no_person():
    from nlp.entity_types import _run_together, person_problem
    text = "District of Columbia Office of Open Government Board of Ethics and Government Accountability p"
    assert [text[a:b] for a, b in _run_together(text)] == \
        ["District of Columbia Office of Open Government", "Board of Ethics and Government Accountability"]
    assert _run_together("Cook County Department of Corrections") is None
    assert _run_together("City of Chicago Department of Law") is None
    assert person_problem("John J") and person_problem("Will CC Huma") and not person_problem("John J. Grimaldi")


# ORG means a company, a party, an NGO, an international body or the media: not an address, a place, a title,
# an everyday word or an acronym of a code (nlp/entity_types.py, no_body)

def test_street_address_and_compass_point_are_no_body():
    # RE__BEGA_Legislation_(16).msg.eml and Re__Comprehensive_Code_of_Conduct_(41).msg.eml, signature blocks
    found = mentions("Chair, Committee on the Judiciary & Public Safety\n\nCouncil of the District of Columbia\n\n"
                     "1350 Pennsylvania Ave., NW, Ste. 109\n\nWashington, DC 20004\n\n"
                     "D.C. Board of Ethics and Government Accountability\n\n441 4th Street, N.W.,  Suite 830 South\n\n"
                     "Washington, D.C.  20001\n")
    names = by_type(found, "ORG") | by_type(found, "AGENCY")
    assert not names & {"Pennsylvania Ave", "NW", "N.W", "N.W."}
    assert "Council of the District of Columbia" in by_type(found, "AGENCY")
    # CPD_FOIA_15-2549.pdf letterhead; follow-up_FOIA.pdf address block
    found = mentions("Mayor 3510 S. Michigan Avenue « Chicago, Illinois 60653 Superintendent of Police\n\n"
                     "Civilian Office of Police Accountability \n1615 West Chicago Avenue, Fifth Floor \n"
                     "Chicago, Illinois 60622 \n")
    assert not (by_type(found, "ORG") | by_type(found, "AGENCY")) & {"S. Michigan Avenue", "Fifth Floor"}


def test_a_title_after_a_name_is_no_body():
    # RE__District_Lobbying_Disclosures_Bill_Draft_(23).msg.eml, signature block
    found = mentions("Best,\n\nM\n\nMichael Porcello | Legislative Counsel\n\nCouncilmember Mary M. Cheh (Ward 3)\n\n"
                     "Council of the District of Columbia\n")
    assert "Legislative Counsel" not in by_type(found, "ORG") | by_type(found, "AGENCY")
    assert "Michael Porcello" in by_type(found, "PERSON")
    # C05790895.txt, a State Department release: DAS is the Deputy Assistant Secretary who classified it
    found = mentions("remarks as \"interference\"-agency (Reuters)\n\n    Classified by DAS, A/GIS, DoS on 10/30/2015 "
                     "— Class: CONFIDENTIAL — Reason: 1.4(D)\n")
    assert "DAS" not in by_type(found, "ORG") | by_type(found, "AGENCY")
    assert "DoS" not in by_type(found, "ORG")          # the Department of State, an agency
    assert "Reuters" in by_type(found, "ORG")


def test_an_abbreviated_title_or_a_state_code_is_no_org():
    # ddr-Hernandez.pdf and ddr-BororUrlaHugoRoberto.pdf, ICE detainee death reviews
    found = mentions("Operations (ERO) custody at the El Paso Service Processing Center in El Paso, TX. \n"
                     "On May 8, 2024, an RN evaluated Mr. BOROR-Urla for complaint of aching localized chest pain.\n")
    assert not by_type(found, "ORG") & {"TX", "RN"}


def test_a_possessive_body_is_the_body():
    # CCC Establishment Act of 2017.section-by-section.docx
    found = mentions("Except for reflecting several of the Ethics Board’s recommendations in the 2014 Best Practices "
                     "Report, section 223r tracks the existing law.\n")
    assert "Ethics Board" in by_type(found, "AGENCY")
    assert not {n for n in by_type(found, "ORG") | by_type(found, "AGENCY") if n.endswith(("'s", "’s"))}


def test_an_everyday_word_the_document_prints_in_lower_case_is_no_org():
    # RE__BEGA_Legislation_(15).msg.eml: "the Executive" is the Mayor's branch of government, not a company
    found = mentions("We did not amend the quorum\nrequirement when we increased the board size because of our fear "
                     "that\nthe Executive would delay in sending qualified nominees to us (as is\nalways the case "
                     "with the executive branch).\n")
    assert "Executive" not in by_type(found, "ORG")
    # PenLink_QUO-04689-V8Y5D0Redacted.pdf: the quote's "Customer" is the party buying, not an org
    found = mentions("Pen-Link will make every reasonable attempt to answer a Customer's Support questions and "
                     "address a Customer's Support concerns. The customer may terminate.\n")
    assert "Customer" not in by_type(found, "ORG")


def test_a_header_acronym_is_an_agency():
    # FW__Changes_to_the_Ethics_Code.msg.eml: "(DCRB)" after Erie Sampson is her agency, the DC Retirement Board
    found = mentions("From: Sampson, Erie (DCRB) \nSent: Tuesday, October 3, 2017 4:12 PM\n"
                     "To: Hughes, Traci (BEGA)\nSubject: Changes to the Ethics Code\n\n"
                     "Attachment: Written Statement by DCRB - Bill B22-0136 Comprehensive Code of Conduct.pdf\n")
    assert "DCRB" in by_type(found, "AGENCY") and "DCRB" not in by_type(found, "ORG")


def test_an_acronym_defined_as_no_body_is_no_entity():
    # CCC Establishment Act of 2017.section-by-section.docx: the CCC is a code, not a body
    found = mentions("The purpose of the bill was to establish the Comprehensive Code of Conduct of the District of "
                     "Columbia (CCC), which would apply to every employee. The CCC would consolidate the laws.\n")
    assert "CCC" not in by_type(found, "ORG") | by_type(found, "AGENCY")
    assert any(m.type == "LAW" and m.text == "CCC" and m.attributes.get("acronym") == "CCC" for m in found)
    # ddr-BororUrlaHugoRoberto.pdf: emergency medical services are no company
    found = mentions("At 2:45 a.m., custody staff called emergency medical services (EMS). \n \n• At 2:56 a.m., EMS "
                     "personnel arrived at the scene and moved Mr. BOROR-Urla to the open \n")
    assert "EMS" not in by_type(found, "ORG") | by_type(found, "AGENCY")


def test_international_bodies_are_orgs_and_a_room_is_no_agency():
    # C05769863.txt: the U.S. Mission to the EU on the European Parliament
    found = mentions("At the Mission, we are restructuring the way in which we interact with the European "
                     "Parliament. Recent visitors include Janet Napolitano.\n")
    assert "European Parliament" in by_type(found, "ORG")
    # C05792216.txt, the Secretary's schedule: the Outer Office is a room
    found = mentions("10:20am PRE-BRIEF f/RESTRICTED PC MEETING\n10:40am Secretary's Outer Office (Staff: Bill, "
                     "Wendy and Jake)\n\n10:50am DEPART State Department\n")
    assert not {n for n in by_type(found, "AGENCY") | by_type(found, "ORG") if "Outer" in n}


def test_alt_text_a_register_and_a_code_section_are_no_org():
    # 2017_in_Review.msg.eml (the Mayor's newsletter footer); RE-_Missing_Term_Information.eml;
    # FW__Changes_to_the_Ethics_Code.msg.eml
    found = mentions("| mayor.dc.gov\n<http://mayor.dc.gov>  | @mayorbowser\n\n______________\n\nDC Flag "
                     "<http://dc.gov> \n\nSTAY CONNECTED:\n\nThe terms are published in the DC Register. Under "
                     "D.C. Code § 1-1162.23 and DC Code Section\n1-909.01 the Board must file.\n")
    assert not {n for n in by_type(found, "ORG") if "Flag" in n or "Register" in n or "Code" in n}


def test_everyday_words_in_a_quote_and_in_capitals_are_no_org():
    # PenLink_QUO-04689-V8Y5D0Redacted.pdf, the maintenance terms (OCR as printed)
    text = ("1.3. Basic Technical Support Package. Entitles our cuslorners lo normal business hours telephone "
            "support at Pen-Link, Ltd.’s published number\n\n"
            "1.4. Standard Maintenance and Support. Slandard Maintenance is a Maintenance option that includes "
            "Software Updates, Software Upgrades, and\nBasic Technical Support as defined herein.\n\n"
            "1.6. Software Update. A Soflware Update is an enhancement— including addilions, changes, and bug "
            "fixes—-to Pen-Link Software that is already in\nthe applicable commercial markel, Software Updates "
            "occur within the same major version number of an existing software producl.\n\n"
            "5.1. Pen-Link, Ltd. warrants thal the Maintenance and Support services provided to the Customer under "
            "this Agreement shall be performed with due\ncare, and in a professional and workmanlike manner. "
            "Pen-Link, Ltd. does not otherwise warrant the accuracy or completeness of any services\nprovided "
            "pursuant this Agreement. PEN-LINK, LTD. DISCLAIMS ANY AND ALL OTHER WARRANTIES, EXPRESS, IMPLIED OR "
            "OTHERWISE,\nIN CONNECTION WITH THE SUBJECT OF THIS AGREEMENT. IN NO EVENT, UNDER ANY THEORY OF LAW, "
            "SHALL EITHER PARTY\n")
    orgs = by_type(mentions(text), "ORG")
    assert not orgs & {"Software Update", "Software Updates", "Basic Technical Support", "Basic Technical Support "
                       "Package", "Disclaims", "Express", "Implied", "Customer"}


def test_a_company_keeps_the_suffix_the_document_prints():
    # CCSO_FOIA1505_Money_Laundering_Redacted.pdf, a list of the sheriff's vendors
    found = mentions("Language Line Services\n\nPositioning Solutions Company\n\nSam Macaluso & Associates, Inc.\n\n"
                     "Police\nRay O'Herron Co., Inc.\n\nGSB0208139\n50.00\n2/22/10\n1065\nWachovia Bank, NA Records\n"
                     "R.M. File No. 100171\n")
    orgs = by_type(found, "ORG")
    assert "Sam Macaluso & Associates, Inc" in orgs and "Ray O'Herron Co., Inc" in orgs
    assert "Wachovia Bank, NA" in orgs and "Wachovia Bank" not in orgs



def test_an_association_alone_on_an_address_line_is_an_org():
    # Kalven_16-1105_Responsive_Letter.pdf, the Chicago Police Department's reply to a requester
    found = mentions("March 11, 2016\n\nVIA EMAIL:\n\nJamie Kalven\n\nThe Invisible Institute\n"
                     "kalven@invisibleinstitute.com\n\nRe: NOTICE OF RESPONSE TO FOIA REQUEST\n")
    assert "Invisible Institute" in by_type(found, "ORG")
    assert "Jamie Kalven" in by_type(found, "PERSON")



def test_a_company_name_run_on_after_its_suffix_is_cut():
    # PenLink_QUO-04689-V8Y5D0Redacted.pdf, the maintenance terms (OCR as printed)
    found = mentions("party software or hardware purchased through Pen-Link, Lid. or with the assistance of Pen-Link, "
                     "Ltd. Support for third party software and hardware\n")
    assert not {n for n in by_type(found, "ORG") if n.endswith("Support")}
    # CCSO_FOIA1505_Money_Laundering_Redacted.pdf, the sheriff's list of subpoena recipients
    found = mentions("GSB0208139\n50.00\n2/22/10\n1065\nWachovia Bank, NA Records\n")
    assert "NA Records" not in by_type(found, "ORG")


def test_a_dotted_acronym_is_the_same_org_as_the_plain_one():
    # C05794397.txt, a press clipping in a State Department release
    found = mentions("The project is the brain-child of Huberta von Voss-Wittig, a journalist married Germany's U.N. "
                     "ambassador Peter\n\nWittig, and Sheila Lyall Grant. Turtle Bay was told that the initiative has "
                     "nothing to do with the U.N.'s diplomatic efforts.\n")
    orgs = by_type(found, "ORG")
    assert "UN" in orgs and "U.N" not in orgs and "U.N." not in orgs


# (document, excerpt, names that must be no ORG): one row a rule of nlp/entity_types.py's no_body
NO_ORG = [
    # the GC is the General Counsel: a title's abbreviation
    ("RE-_COST_Meeting_Notices_-_RE-_OOG-0003_7.03.17_No...eml",
     "We will also review the  available files that the prior GC and Supervisory Attorney Advisor kept prior to "
     "Vanessa arriving in December.\n", {"GC"}),
    # a newsletter's list of stories: a trade is a title
    ("Ballou_Update.msg.eml", "*\tA District Minute\n*\tPathways to the Middle Class: Fire and Emergency Medical\n"
     "Services, Heavy Mobile Equipment Mechanic\n", {"Heavy Mobile Equipment Mechanic"}),
    # DCMR before § is the District's regulations
    ("CCC Establishment Act of 2017.section-by-section.docx",
     "The subsection is based on 6B DCMR § 1803.6, Rule IV(e)(1) and (2) of the Council Code, and 5 C.F.R. § 2635.\n",
     {"DCMR"}),
    # a ledger line: the storage units' numbers are no part of the name
    ("CCSO_FOIA1505_Money_Laundering_Redacted.pdf",
     "11/9/11 1119 Simply Storage Units E90 & E86 11-123728 NOV 2011 408.00\n", {"Simply Storage Units E90 & E86"}),
    # the State Department's distribution list: NEA/IPA is an office of the NEA bureau, an agency
    ("C05786279.txt", "Cc: Feltman, Jeffrey D; Schlicher, Ronald L; Scobey, Margaret; Tueller, Matthew\nH; "
     "Cunningham, James B; Sachar, Alon (NEA/IPA); Buzbee, John R; Shapiro, Daniel B.\n", {"NEA/IPA", "Nea/Ipa"}),
    # a nationality and a list's title
    ("C05788058.txt", "The AU position at this meeting was advocated by Ugandan\nPresident Museveni who specifically "
     "criticized NATO airstrikes.\n\n        LIBYA: List of Interlocutors and Emissaries\n\n",
     {"Ugandan", "List of Interlocutors", "List of Interlocutors and Emissaries"}),
    # a law, and a bare head word
    ("C05791580.txt, C05791672.txt", "The Cabinet approved a proposal to\n revise the Grameen Bank Ordinance to do "
     "this. Grameen Bank's Board of Directors—nine of whom are women,duly elected to represent\nthe Bank's "
     "client-shareholders—be allowed to move forward.\n", {"Grameen Bank Ordinance", "Bank"}),
    # an award
    ("ShopSmallDC.msg.eml", "Nominate an outstanding DC Government employee or an\ninnovative team for the 17th Annual "
     "Morris & Gwendolyn Cafritz\nFoundation Awards. The nomination deadline is November 30, 2017.\n",
     {"Annual Morris & Gwendolyn Cafritz Foundation Awards", "Morris & Gwendolyn Cafritz Foundation Awards"}),
    # a mail header printed in the body
    ("RE__TESTIMONY_-_Ethics_Reform_Act_of_2015_and_CCC_...eml",
     "tent;MX:1;A:1;LANG:en;\nX-Microsoft-Exchange-Diagnostics: 1;DM2GCC01FT008;1:KnG9YdU0DAY5G8\n",
     {"X-Microsoft-Exchange-Diagnostics"}),
    # a ledger's invoice number
    ("CCSO_FOIA1505_Redacted.ocr.txt", "1/12/15 2549 Midwesy Greyhound Supply lVC00114816; AF-2014-FEBRUARY-16 "
     "1,514.04\n", {"AF-2014-FEBRUARY-16", "Af-2014-February-16"}),
    # DC's neighbourhood commissions are public bodies (AGENCY)
    ("20171031+BEGA+Testimony_Bill+22-0136.docx", "“...independent agencies, the Council of the District of Columbia, "
     "boards and commissions, and Advisory Neighborhood Commissions, but excluding the Courts.”\n",
     {"Advisory Neighborhood Commissions"}),
    # a memo's address lines
    ("CelleBriteFOIA15-3895.ocr.txt", "Organized Crime Division\nTO: Nicholas J. Roti\nChief\nBureau of Organized\n"
     "ATTN: Brian Daly\nLieutenant\n", {"ATTN"}),
]


@pytest.mark.parametrize("source, text, names", NO_ORG, ids=[row[0][:40] for row in NO_ORG])
def test_no_org_in_real_excerpts(source, text, names):
    assert not by_type(mentions(text), "ORG") & names


def test_ocr_fragments_are_no_names_but_short_surnames_and_suffixes_are():
    from nlp.entity_types import person_problem
    assert person_problem("Vw Vw") and person_problem("Qe.nw Smith") and person_problem("Laurel St")
    assert not any(person_problem(n) for n in ("Quan Li", "Anh Vu", "Martin Luther King Jr", "John Smith II"))
