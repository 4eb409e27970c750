"""Entity rules for the FOIA letters and State Department releases, each on a few lines copied from a
real document of the shared corpus (quoted here, not read from disk)."""
from __future__ import annotations

from corpus.records import Document, Mention, Page
from nlp.linking import department_units, listed_acronyms, ruler_acronyms
from nlp.resolve import plan_merges
from tests.test_entity_types import by_type, mentions


# HRCEmail_DecWeb/C05788058.txt
TITLED = ("The AU Ad Hoc group (led by Mauritanian President Azziz and\n"
          "accompanied by South African President Zuma, Malian President Toure, and representatives\n"
          "Former Spanish PM Gonzales had planned to travel to Tripoli to meet with GOL officials.\n"
          "GOL FM Abdulati Obeidi traveled to Malta to offer the GOL's willingness to negotiate.\n"
          "Qadhafi advisor Fouad Zlitni called Ambassador Cretz on May 27 to reiterate the points.\n")


def test_a_surname_after_a_title_is_a_person_kept_alone():
    found = mentions(TITLED)
    people = by_type(found, "PERSON")
    assert {"Azziz", "Zuma", "Toure", "Gonzales", "Abdulati Obeidi", "Cretz"} <= people
    assert not {"Spanish PM Gonzales", "GOL FM Abdulati Obeidi"} & (people | by_type(found, "ORG"))
    zuma = next(m for m in found if m.canonical == "Zuma")
    assert zuma.attributes.get("surname") and zuma.attributes.get("title") == "President"
    # across the corpus a titled surname no full name explains stays a person; a bare first name goes
    rows = [{"id": 1, "type": "PERSON", "name": "Zuma", "mentions": 4, "documents": 1, "docs": {"d"},
             "attributes": {"surname": True, "titles": ["President"]}},
            {"id": 2, "type": "PERSON", "name": "Traci", "mentions": 4, "documents": 1, "docs": {"d"},
             "attributes": {}}]
    assert plan_merges(rows)[1] == [2]


def test_no_title_person_from_a_clock_time_or_a_title_word():
    found = mentions("On Feb 2, 2017, at 3:19 PM Grimaldi wrote:\n"
                     "Chief Financial Officer Smith met Secretary General Ban.\n")
    assert not {"Financial Officer Smith", "General Ban", "Financial Officer"} & by_type(found, "PERSON")


# invinst_chicago-police-data/P054496Responsive.pdf
SIGNED = ("If you require additional assistance, feel free to contact this office. \n"
          "Sincerely, \n"
          "Dane J. Rohrer \n"
          "Freedom of Information Officer \n"
          "City of Chicago Department of Police \n"
          "Office of Legal Affairs-FOIA Unit \n"
          "3510 South Michigan, Fourth Floor \n")


def test_the_name_under_a_valediction_is_the_person_signing():
    found = mentions(SIGNED)
    assert "Dane J. Rohrer" in by_type(found, "PERSON")
    assert not any("Freedom" in n for n in by_type(found, "PERSON"))


# lucyparsons_1505-documents/CCSO_FOIA1505_Money_Laundering_Redacted.pdf (a check register)
UNITS = ("12/10/14\n1312\nOfficial Advance Funds; Special\nOperations; AF-2015-December-03\n2,000.00\n"
         "12/10/14\n1313\nOfficial Advance Funds; Gun Team;\nAF-2015-December-02\n3,000.00\n"
         "12/10/14\n1314\nSouthwest Major Case Unit\nSouthwest Major Case Unit Annual\n"
         "12/30/14\n1316\nOfficial Advance Funds; Investigations\nUnit; AF-2015-DECEMBER-04\n2,000.00\n"
         "4/14/15\n1330\nAF-2015-APRIL-19; Official Advance\nFunds for the Special Operations Unit\n3,000.00\n"
         "2/22/10\n1063\nSubpoena Compliance Unit\n09-009213\n18.50\n")


def test_police_units_named_head_last_are_agencies():
    agencies = by_type(mentions(UNITS), "AGENCY")
    assert {"Southwest Major Case Unit", "Gun Team", "Investigations Unit", "Special Operations Unit"} <= agencies
    assert not {"Official Advance Funds", "Case Unit Southwest Major Case Unit"} & agencies


# invinst_chicago-police-data/follow-up_FOIA.pdf, P054496Responsive.pdf, Kalven_16-1105_Responsive_Letter.pdf
OFFICES = ("Whether the case was referred to the offices of the Cook County State’s Attorney or U.S. \nAttorney for "
           "the Northern District of Illinois\n"
           "In the event that responsive infomation has been exempted by CPD, such decisions may be reviewed\n"
           "by the Public Access Counselor (PAC) at the Office of the Illinois Attorney General, 500 S. 2nd Street,\n"
           "filing a lawsuit in the Circuit Court of Cook County. Any and all appeals to the Circuit Court of Cook "
           "County\nmust be filed within two years of the alleged violation.\n"
           "Chicago Police Department\nAttention: Freedom of Information Officer\nOffice of Legal Affairs Unit 114\n"
           "3510 S. Michigan Ave\n")


def test_offices_named_for_their_head_and_courts_are_agencies():
    found = mentions(OFFICES)
    agencies = by_type(found, "AGENCY")
    assert {"Cook County State's Attorney", "U.S. Attorney for the Northern District of Illinois",     # over a line break
            "Public Access Counselor", "Circuit Court of Cook County", "Office of Legal Affairs"} <= agencies
    assert "Office of Legal Affairs Unit" not in agencies | by_type(found, "ORG")      # a mail unit's number
    # followed by a name, the office is the person's title
    found = mentions("Cook County State's Attorney Anita Alvarez announced the charges.\n")
    assert "Cook County State's Attorney" not in by_type(found, "AGENCY")


# HRCEmail_DecWeb/C05788058.txt
def test_state_department_office_symbols_are_agencies():
    found = mentions("Classified by DAS, A/GIS, DoS on 12/31/2015 — Class: CONFIDENTIAL — Reason: 1.4(B), 1.4(D)\n")
    assert "A/GIS" in by_type(found, "AGENCY")


def test_a_body_name_run_on_is_cut_at_a_fragment_an_address_or_a_blank_line():
    # 20180227-COST-OOG/Re-_OOG-0003_7.03.17_Notice_of_Complaint_COST_.eml: a signature block's two lines run together
    found = mentions("Traci L. Hughes, Esq.\nDirector\nDistrict of Columbia  Office of  Open Government Board of Ethics "
                     "and Government Accountability p: (202) 481-3411\n")
    agencies = by_type(found, "AGENCY")
    assert {"Office of Open Government", "Board of Ethics and Government Accountability"} <= agencies
    assert not any(a.endswith(" p") or "Government Board" in a for a in agencies)
    # HRCEmail_NovWeb/C05791670.txt: the release's letterhead, and an address under an office's name
    agencies = by_type(mentions("Issues U.S. Department of State\n2201 C Street NW\nWashington, DC 20520\n"
                                "Office of Administrative Hearings \n\nOne Judiciary Square\n441 4th Street, NW\n"), "AGENCY")
    assert not any("Issues" in a or "2201" in a or "Judiciary Square" in a for a in agencies)
    assert "Office of Administrative Hearings" in agencies
    # HRCEmail_JulyWeb/C05764032.txt: a routing code before the embassy; the CPD check requests: the unit's own name
    assert "U.S. Embassy" in by_type(mentions("officials at the AGNA U.S. Embassy in Port-au-Prince said\n"), "AGENCY")
    assert "Bureau of Organized Crime" in by_type(mentions("Funds for CPD’s Bureau of Organized Crime were spent.\n"),
                                                  "AGENCY")


def test_a_report_an_association_or_a_topic_is_no_agency():
    # HRCEmail_SeptemberWeb/C05780101.txt; Fw__Meeting_with_CM_Allen.msg.eml; Re-_OOG-0003_7.03.17_Notice_of_Complaint
    found = mentions("the Quadrennial Diplomacy\nand Development Review (QDDR) is late. The QDDR will say so.\n"
                     "Tom Susman of the Open Government Coalition asked to meet.\n"
                     "This seems inconsistent with the role and responsibilities of your agency as they apply to "
                     "Open Government.\n")
    agencies = by_type(found, "AGENCY")
    assert not {"QDDR", "Quadrennial Diplomacy and Development Review", "Open Government",
                "Open Government Coalition"} & agencies
    assert "Open Government Coalition" in by_type(found, "ORG")
    assert "United States Government" in by_type(mentions("the United States Government (USG) is late.\n"), "AGENCY")


# 20180313-BEGA-JT/RE__Notice_of_J_PS_Public_Hearing__11_2_17__9_30_a_m___Room_412_(1).msg.eml
QUOTED_LINKS = ("From: Grimaldi, John J. (BEGA) [mailto:John.Grimaldi@dc.gov]\n"
                "To: Mitchell, Katherine (Council) <kmitchell@DCCOUNCIL.US<mailto:kmitchell@DCCOUNCIL.US>>; Flowers, "
                "Brian (BEGA) <brian.flowers@dc.gov<mailto:brian.flowers@dc.gov>>; Judiciary (Council) "
                "<Judiciary@DCCOUNCIL.US<mailto:Judiciary@DCCOUNCIL.US>>\n"
                "Cc: Collier, Tameka (BEGA) <tameka.collier@dc.gov<mailto:tameka.collier@dc.gov>>\n"
                "Subject: RE: Notice of J&PS Public Hearing\n")


def test_recipients_whose_address_quotes_itself_as_a_link_and_no_mailbox():
    people = {m.canonical: m for m in mentions(QUOTED_LINKS) if m.type == "PERSON"}
    assert {"Katherine Mitchell", "Brian Flowers", "Tameka Collier", "John J. Grimaldi"} <= set(people)
    assert people["Katherine Mitchell"].attributes["email"] == "kmitchell@dccouncil.us"
    assert "Judiciary" not in people             # the committee's mailbox


def test_two_bodies_joined_by_and_are_two_mentions():
    # lucyparsons_1505-documents (CPD check requests): "the Bureau of Organized Crime and Finance Division"
    agencies = by_type(mentions("Checks were issued to CPD's Bureau of Organized Crime and Finance Division "
                                "for the purchase.\n"), "AGENCY")
    assert "Finance Division" in agencies and not any(" and Finance" in a for a in agencies)
    # not a body whose own name holds "and"
    agencies = by_type(mentions("Hughes, Traci (BEGA) wrote to the Board of Ethics and Government Accountability.\n"),
                       "AGENCY")
    assert "Board of Ethics and Government Accountability" in agencies


def test_a_bare_name_goes_to_the_initial_far_more_named_than_an_ocr_misreading():
    # HRC releases: "Sullivan, Jacob J" in hundreds of headers, "Jacob Sullivan" in bodies, OCR's "Jacob I Sullivan" once
    def row(id_, name, n, docs):
        return {"id": id_, "type": "PERSON", "name": name, "mentions": n, "documents": len(docs), "docs": set(docs),
                "attributes": {}}
    planned, _ = plan_merges([row(1, "Jacob J Sullivan", 315, {"a", "b"}), row(2, "Jacob Sullivan", 81, {"b"}),
                              row(3, "Jacob I Sullivan", 1, {"c"})])
    assert {(k, o) for k, o, _ in planned} == {(1, 2)}
    planned, _ = plan_merges([row(1, "Jacob J Sullivan", 315, {"a"}), row(2, "Jacob Sullivan", 81, {"b"}),
                              row(3, "Jacob I Sullivan", 1, {"c"})])
    assert planned == []           # nothing ties the bare name to him: it stays apart
    planned, _ = plan_merges([row(1, "John A. Smith", 5, {"a"}), row(2, "John Smith", 5, {"a"}),
                              row(3, "John B. Smith", 4, {"a"})])
    assert planned == []           # two people of that name, neither far ahead: the bare name stays apart


# invinst_chicago-police-data/P054496Responsive.pdf: the letterhead's columns
LETTERHEAD = (" \n"
              "Rahm Emanuel                                              Department of Police · City of Chicago"
              "                             Eddie T. Johnson  \n"
              "Mayor                                                     3510 S. Michigan Avenue · Chicago, Illinois "
              "60653                 Superintendent of Police \n  \n"
              "November 23, 2016 \n")


def test_a_name_over_a_title_in_a_letterhead_column_is_a_person():
    found = mentions(LETTERHEAD)
    assert {"Rahm Emanuel", "Eddie T. Johnson"} <= by_type(found, "PERSON")
    assert "Rahm Emanuel" not in by_type(found, "ORG")
    assert "City of Chicago" in by_type(found, "AGENCY")          # the government whose department writes
    assert "City of Chicago" not in by_type(mentions("He moved to the City of Chicago in 1990.\n"), "AGENCY")
    # OCR read the bullet as a dash (15-6588_Kalven_F.pdf)
    ocr = mentions("Rahm Emanuel Department of Police - City of Chicago John J. Escalante\nMayor 3510 S. Michigan\n")
    assert "City of Chicago" in by_type(ocr, "AGENCY")


# HRCEmail_DecWeb/C05788058.txt
def test_a_cables_government_acronym_is_the_government_of_the_one_country_it_names():
    found = mentions("GOL PM al-Baghdadi al-Mahmoudi held a press conference on May 26 to echo the points.\n"
                     "Zlitni stressed to Amb Cretz that the GOL does not want to waste any time in Libya.\n"
                     "The GOP is divided on the question.\n")
    assert "Government of Libya" in by_type(found, "AGENCY")
    assert {m.text for m in found if m.canonical == "Government of Libya"} == {"GOL"}
    assert not any(m.type == "AGENCY" and m.text == "GOP" for m in found)


# 20180313-BEGA-JT/ShopSmallDC.msg.eml: the Mayor's staff list
STAFF = ("Chief of Staff:\nJohn Falcicchio <mailto:john.falcicchio@dc.gov>\nCity Administrator:\n"
         "Rashad Young <mailto:rashad.young@dc.gov>\nDirector of the Mayor's Office of Legal Counsel:\nMark Tuohey\n"
         "Senior Advisor:\nBeverly Perry\n<mailto:beverly.perry@dc.gov>\n")


def test_a_name_with_its_own_address_after_it_is_a_person():
    people = {m.canonical: m for m in mentions(STAFF) if m.type == "PERSON"}
    assert {"John Falcicchio", "Rashad Young", "Beverly Perry"} <= set(people)
    assert people["Beverly Perry"].attributes.get("email") == "beverly.perry@dc.gov"


# FW__Changes_to_the_Ethics_Code.msg.eml, its attachment's letterhead (DC Retirement Board)
def test_a_name_with_a_middle_initial_is_a_person_though_its_surname_is_a_word():
    people = by_type(mentions("Board of Trustees Darrick O. Ross ● Nathan A. Saunders ● Edward C. Smith ● Thomas N. "
                              "Tippett ● Michael J. Warren ● Lenda P. Washington Joseph W. Clark\n"), "PERSON")
    assert {"Michael J. Warren", "Lenda P. Washington", "Joseph W. Clark"} <= people


# lucyparsons_1505-documents/PenLink_QUO-04689-V8Y5D0Redacted.pdf: an OCR'd memo's header
def test_a_memos_upper_case_header_names_the_person_despite_a_scans_speck():
    found = mentions("BUREAU OF ORGANIZED CRIME 11 June 2015 =\nGang Investigations Division in\n"
                     "TO: Anthony J. Riccio z\nChief ~\n\nBureau of Organized Crime Dsl\n")
    assert "Anthony J. Riccio" in by_type(found, "PERSON")


# invinst_chicago-police-data/p0-50685_letter.pdf: the title two lines under the name; a signer's initial
P0_50685 = (" \nRahm Emanuel \nDepartment of Police · City of Chicago                                            "
            "Eddie T. Johnson  \nMayor                                                        3510 S. Michigan Avenue · "
            "Chicago, Illinois 60653                         Superintendent of Police \nAugust 17, 2016 \n\n"
            "Chicago, IL 60653 \nSincerely, \nL. Webb \nFreedom of Information Officer \nDepartment of Police \n")


def test_a_letterhead_title_two_lines_down_and_a_signer_with_an_initial():
    people = by_type(mentions(P0_50685), "PERSON")
    assert {"Rahm Emanuel", "Eddie T. Johnson", "L. Webb"} <= people


def test_every_recipient_of_a_long_to_line_is_a_person_of_their_agency():
    """A To: line longer than a page is cut by the page break; the recipients after the cut are read
    as the ones before it (a generated message, loaded as ingest loads it)."""
    from email.message import EmailMessage
    from ingest.loaders.email import EmailLoader
    from ingest.options import IngestOptions
    from nlp.annotate import annotate

    first = ["Marceline", "Runako", "Gail", "Stephanie", "Lafayette", "Kimberly", "Elaine", "Lasheka",
             "Esther", "Amy", "Matthew", "Betsy", "Cory", "Sunu", "John", "Tracey"]
    last = ["Alexander", "Allsopp", "Avery", "Banks", "Barnes", "Bassett", "Block", "Brown", "Bushman", "Caspari"]
    agencies = ["FEMS", "DCRA", "DCPL", "DCPS", "EOM", "OAG", "OEA", "DCOZ"]
    people = [(f, l, agencies[(i + j) % len(agencies)]) for i, f in enumerate(first) for j, l in enumerate(last)]
    msg = EmailMessage()
    msg["From"] = '"Flowers, Brian (BEGA)" <brian.flowers@dc.gov>'
    msg["To"] = ", ".join(f'"{l}, {f} ({a})" <{f}.{l}@dc.gov>' for f, l, a in people)
    msg["Cc"] = '"Hunt, K" <khunt@dccouncil.us>'
    msg["Subject"] = "Holiday Meet and Greet"
    msg.set_content("Please join us on December 21.\n\nBrian K. Flowers\n")
    doc = EmailLoader(IngestOptions()).load(msg.as_bytes(), Document(id="m", path="m.eml", file_name="m.eml",
                                                          media_type="message/rfc822"))
    assert len(doc.pages) > 1 and not doc.pages[1].text.lstrip().startswith(("To:", "Cc:"))   # the line was cut
    found = annotate(doc).mentions
    persons = {m.canonical: m for m in found if m.type == "PERSON"}
    wanted = {f"{f} {l}" for f, l, _ in people}
    assert wanted <= set(persons), sorted(wanted - set(persons))[:5]
    assert "K Hunt" in persons
    known = ruler_acronyms()      # "(DCPS)" by the name the ruler knows it by: District of Columbia Public Schools
    assert {known.get(a, a) for _, _, a in people} <= by_type(found, "AGENCY")


# foia-release-text/Clinton_Email_August_Release/C05766562.txt: "Subject" printed without its colon
def test_a_field_name_without_its_colon_ends_the_header_name():
    found = mentions("From:                              Mills, Cheryl D <MillsCD@state.gov>\n"
                     "Sent:                              Tuesday, December 22, 2009 6:39 PM\n"
                     "To:                                H; Abedin, Huma\n"
                     "Subject                            RE: Letter to the President\n")
    people = by_type(found, "PERSON")
    assert {"Huma Abedin", "Cheryl D Mills"} <= people
    assert not [p for p in people if "Subject" in p]


# invinst_chicago-police-data/9-27-17_stecklow_response_letter.pdf, then FOIA_response_letter_9-17-15.pdf
CITY_LETTER = ("This letter is in response to your Freedom of Information Act (“FOIA”) request received by the \n"
               "Department of Human Resources (“DHR”) on September 13, 2017.  On September 20, 2017 we \n"
               "In regards to your request for information from January 1, 2000 please note that the City \n"
               "switched to a new system in 2002 and therefore we do not have the data.\n"
               "To the extent that you consider this a denial of your FOIA request, you have a right of review by \n"
               "the Illinois Attorney General’s Public Access Counselor, who can be contacted at 500 S. Second St.\n\n"
               "Sincerely,  \n \n \nMichelle Levar \nPolicy Analyst \nCity of Chicago Department of Human Resources \n")
ADDRESS = "You can file a request for review by writing to:\n\nPublic Access Counselor\n\nOffice of the Attorney General\n\n"


def test_the_city_of_a_city_letter_and_a_state_attorney_general_are_agencies():
    found = mentions(CITY_LETTER)
    city = [m for m in found if m.text == "City"]
    assert city and all(m.type == "AGENCY" and m.canonical == "City of Chicago" for m in city)
    assert {"Office of the Illinois Attorney General", "Public Access Counselor"} <= by_type(found, "AGENCY")
    # the department named without its place is the one the signature names with it
    assert {m.canonical for m in found if m.text in ("Department of Human Resources", "DHR")} == \
        {"City of Chicago Department of Human Resources"}
    # the generic office is the one state's the letter names
    found = mentions("To the extent that you consider this a denial of your FOIA request, you have a right of review by "
                     "the Illinois\nAttorney General's Public Access Counselor (PAC). " + ADDRESS)
    assert by_type(found, "AGENCY") == {"Office of the Illinois Attorney General", "Public Access Counselor"}
    # with no state named, the generic office stays as printed (DC's, in the BEGA emails)
    assert "Office of the Attorney General" in by_type(mentions(ADDRESS), "AGENCY")
    # with a name after it, the office is the person's title
    assert not by_type(mentions("Illinois Attorney General Lisa Madigan wrote."), "AGENCY")


# invinst_chicago-police-data/15-6588_Kalven_F.pdf: acronyms no document spells out, listed with one it does
def test_acronyms_listed_with_an_agency_are_agencies():
    found = mentions("Records of the Independent Police Review Authority (IPRA) were searched.\n"
                     "2. Agency of investigator (IAD, BIA, OPS, or IPRA, etc)\n3. Assigned Team\n"
                     "As a courtesy, the BIA Analytical Section was able to compile the data.\n")
    assert {"IAD", "BIA", "OPS"} <= by_type(found, "AGENCY")
    assert [m.type for m in found if m.text == "BIA"] == ["AGENCY", "AGENCY"]
    # follow-up_FOIA.pdf: a list ending in "etc.", one item two names of one body
    found = mentions("The Federal Bureau of Investigation (FBI) holds some.\n"
                     "Investigating agency (BIA, COPA/IPRA, OIG, FBI, etc.) \nCurrent status\n")
    assert {"BIA", "COPA", "IPRA", "OIG"} <= {m.text for m in found if m.type == "AGENCY"}
    # the word lists' organisations keep the list an organisation's
    assert "NATO" not in by_type(mentions("The Federal Bureau of Investigation (FBI) briefed them.\n"
                                          "Officials of the FBI, CIA and NATO attended.\n"), "AGENCY")
    # HRCEmail_Jan7thWeb/C05791271.txt: an acronym the document defines for a party stays the party's,
    # listed with an agency (the mentions as the pipeline reads that release)
    text = "as the MB and SCAF expected, matters would have remained calm."
    doc = Document(id="x", path="x.txt", file_name="x.txt", media_type="text/plain", pages=[Page(1, text)])
    doc.mentions = [Mention("ORG", "MB", "Muslim Brotherhood", None, 1, 7, 9, attributes={"acronym": "MB"}),
                    Mention("AGENCY", "SCAF", "Supreme Council of the Armed Forces", None, 1, 14, 18,
                            attributes={"acronym": "SCAF"})]
    listed_acronyms(doc)
    assert [m.type for m in doc.mentions] == ["ORG", "AGENCY"]


# invinst_chicago-police-data/p0-50685_letter.pdf and FOIA_response_letter_9-17-15.pdf: the addressee
def test_a_letters_addressee_is_a_person():
    found = mentions("August 17, 2016 \n \n \nAndrew Fan \nEmail: afan42@gmail.com \n \n \nRE: \nNOTICE OF RESPONSE \n"
                     "Dear Mr. Fan:         \n \nThe Chicago Police Department has received your request.\n")
    assert by_type(found, "PERSON") == {"Andrew Fan"}
    assert [m.canonical for m in found if m.text == "Fan"] == ["Andrew Fan"]       # "Dear Mr. Fan" is he
    found = mentions("September 17, 2015 Sent Via E-Mail\n\nInvisible Institute\nAttn: Jamie Kalven\n"
                     "kalven @invisibleinstitute.com\n\nRE: NOTICE OF RESPONSE TO FOIA REQUEST\n\nDear Mr. Kalven:\n\n"
                     "Pursuant to your request, attached are the records.\n")
    assert by_type(found, "PERSON") == {"Jamie Kalven"}
    # an office over an Email: line is no person, nor is a salutation's title
    found = mentions("Freedom Of Information\nEmail: foia@cityofchicago.org\n\nDear Sir or Madam:\n\nThe request.\n"
                     "Attention: Records Division\n")
    assert not by_type(found, "PERSON")


# etchin_ice-detention-mortality/death_reports/ddr-BororUrlaHugoRoberto.pdf, ddr-HERNANDEZ-Fundora.pdf
def test_a_reports_subject_with_the_surname_in_capitals_is_one_person():
    found = mentions("U.S. Immigration and Customs Enforcement (ICE)  \nDetainee Death Report: BOROR-Urla, Hugo Roberto   \n"
                     " \nGENERAL DEMOGRAPHIC/BACKGROUND INFORMATION\n"
                     "On April 17, 2024, the United States Border Patrol (USBP) encountered Mr. BOROR-Urla near \n"
                     "Taylor, MI, and served him a notice. On April 24, 2024, USBP transferred custody of Mr. BOROR-Urla to "
                     "ICE.\n")
    people = [m for m in found if m.type == "PERSON"]
    assert {m.canonical for m in people} == {"Hugo Roberto BOROR-Urla"} and len(people) == 3
    found = mentions("Detainee Death Report: HERNANDEZ-Fundora, Alberto \n \nImmigration History \n"
                     "• On May 14, 1980, Mr. HERNANDEZ, entered the United States (U.S.) at Key West, FL.\n"
                     "• On July 19, 2000, an immigration judge ordered Mr. HERNANDEZ removed to Cuba.\n")
    assert {m.canonical for m in found if m.type == "PERSON"} == {"Alberto HERNANDEZ-Fundora"}
    assert not by_type(mentions("Chicago Police Department\nCHICAGO, Illinois\n"), "PERSON")
    assert "John Smith" in by_type(mentions("The report was signed by John Smith, MD, on May 2.\n"), "PERSON")


# ddr-HERNANDEZ-Fundora.pdf; CPD_FOIA15-6708RequestForChecks.pdf
def test_ice_facilities_former_agencies_and_a_units_head():
    found = mentions("ERO transferred Mr. HERNANDEZ to Krome North Service Processing Center (KNSPC). In 1985 the "
                     "Immigration and Naturalization Service revoked his parole.\n")
    assert {"Krome North Service Processing Center", "Immigration and Naturalization Service"} <= by_type(found, "AGENCY")
    found = mentions("On January 14, 2020, TGKCC released Mr. HERNANDEZ into ERO Miami custody. ERO \ntransferred him.\n")
    assert {"ERO Miami", "Enforcement and Removal Operations"} <= by_type(found, "AGENCY")     # the field office
    found = mentions("To: Commander\nGang Investigations Section\nFrom: Lieutenant\nSubject: Funds for the Asset "
                     "Forfeiture Unit\n")
    assert {"Gang Investigations Section", "Asset Forfeiture Unit"} <= by_type(found, "AGENCY")
    assert not [a for a in by_type(found, "AGENCY") if a.startswith("Commander")]


# lucyparsons_1505-documents/CPD_FOIA16-0189redactions.pdf (the mentions as the pipeline reads its memo's head)
def test_a_police_documents_groups_are_its_units():
    text = "Chicago Police Department\nAdministrative Support Group\nPay Bronner Group LLC.\n"
    doc = Document(id="x", path="x.pdf", file_name="x.pdf", media_type="application/pdf", pages=[Page(1, text)])
    doc.mentions = [Mention("AGENCY", "Chicago Police Department", "Chicago Police Department", None, 1, 0, 25),
                    Mention("ORG", "Administrative Support Group", "Administrative Support Group", None, 1, 26, 54),
                    Mention("ORG", "Bronner Group LLC", "Bronner Group LLC", None, 1, 59, 76)]
    department_units(doc)
    assert [m.type for m in doc.mentions] == ["AGENCY", "AGENCY", "ORG"]
    doc.mentions = doc.mentions[1:]
    doc.mentions[0].type = "ORG"
    department_units(doc)                 # no police department named: a company's group
    assert [m.type for m in doc.mentions] == ["ORG", "ORG"]


# HRCEmail_DecWeb/C05788044.txt, HRCEmail_OctWeb/C05787973.txt, HRCEmail_NovWeb/C05790245.txt, C05784062.txt
def test_release_headers_schedules_and_embassies():
    found = mentions("Sent: Sunday, February 05, 2012 10:07 AM\nTo: McDonough, Denis R.                                 "
                     "         Canegallo, Kristie A.\n                                    Feltman, Jeffrey D; Sullivan, "
                     "Jacob J\nCc: Melia, Thomas 0\nSubject: Egypt\n")
    people = by_type(found, "PERSON")
    assert {"Kristie A. Canegallo", "Jeffrey D Feltman", "Thomas O. Melia"} <= people     # "0" is OCR's "O"
    assert not [p for p in people if "Kristie A. Feltman" in p or p == "Thomas Melia"]
    found = mentions("11:40am PHOTO w/MS. SHARMEEN OBAID-CHINOY\n11:45am OSCAR-WINNING DIRECTOR FROM PARKISTAN\n"
                     "2:30pm MEETING w/JOHN BEYRLE, FORMER US AMB. TO RUSSIA\n10:30am TESTIMONY PREP w/STAFF\n")
    assert by_type(found, "PERSON") == {"Sharmeen Obaid-Chinoy", "John Beyrle"}
    found = mentions("The cable from U.S. Embassy New Delhi reported it. U.S. Embassy Officials met.\n")
    assert by_type(found, "AGENCY") == {"U.S. Embassy New Delhi", "U.S. Embassy"}


# ddr-Hernandez.pdf
def test_a_parish_sheriff_is_an_agency_and_its_deputies_are_not():
    found = mentions("o At 2:30 p.m., the Ouachita Parish Sheriff’s Department was notified. \n"
                     "o At 3:09 p.m., the Sheriff’s Deputies arrived.\n")
    assert by_type(found, "AGENCY") == {"Ouachita Parish Sheriff's Department"}
    found = mentions("Both the St. Lucie County Sheriff's Office and Prince George's County Sheriff's Office signed.\n")
    assert {"St. Lucie County Sheriff's Office", "Prince George's County Sheriff's Office"} <= by_type(found, "AGENCY")


# HRCEmail_OctWeb/C05787973.txt, Clinton_Email_August_Release/C05773686.txt, HRCEmail_OctWeb/C05763992.txt
def test_a_government_named_by_its_people_and_a_blank_line_between_names():
    found = mentions("Staff of the US Embassy in Uzbekistan met the Uzbek government. The British government agreed.\n")
    assert {"US Embassy in Uzbekistan", "Government of Uzbekistan", "Government of the United Kingdom"} \
        == by_type(found, "AGENCY")
    assert not by_type(mentions("The City Government and the Federal government abstained.\n"), "AGENCY") \
        & {"Government of City", "Government of Federal"}
    found = mentions("From: Koh, Harold Hongju\nTo: Sullivan, Jacob J; Mills, Cheryl D\nSent: Fri Jul 31 07:08:21 2009\n"
                     "Subject: DEAL DONE! For Secy Clinton Meeting THIS AM With Swiss FM Calmy-Rey\n\nCheryl, Jake:\n\n\n")
    assert not [p for p in by_type(found, "PERSON") if "Calmy-Rey" in p and "Cheryl" in p]


# lucyparsons_1505-documents/CPD_FOIA15-6708RequestForChecks.pdf, CPD_FOIA16-0189redactions.pdf
def test_a_memos_heading_in_capitals_and_its_divisions_are_agencies():
    found = mentions("BUREAU OF INVESTIGATIVE SERVICES 30 October 2009\nORGANIZED CRIME DIVISION\n\n"
                     "TO: Ernest T. Brown\nChief\nDetective Division\n\nSubject: Payment Request\n")
    assert {"Bureau of Investigative Services", "Organized Crime Division", "Detective Division"} \
        <= by_type(found, "AGENCY")
    found = mentions("Rahm Emanuel Department of Police « City of Chicago John J. Escalante\nMayor\n")
    assert "City of Chicago" in by_type(found, "AGENCY")        # OCR's bullet between the letterhead's bodies
    found = mentions("THE BOARD OF DIRECTORS shall meet.\n\nDIVISION OF RESPONSIBILITIES\n\nEach party shall pay.\n")
    assert not by_type(found, "AGENCY")


# invinst_chicago-police-data/follow-up_FOIA.pdf: its two lines fall in two passages
def test_a_name_across_the_edge_of_two_passages_is_one_name():
    words = " ".join(["whether"] * 118)
    found = mentions(f"{words} the case was referred to the offices of the Cook County State’s Attorney or U.S. \n"
                     "Attorney for the Northern District of Illinois\n○\nIf so, which\n" + " ".join(["date"] * 40) + "\n")
    assert "U.S. Attorney for the Northern District of Illinois" in by_type(found, "AGENCY")


# ddr-BororUrlaHugoRoberto.pdf, ddr-Hernandez.pdf, HRCEmail_SeptemberWeb/C05773853.txt, HRCEmail_DecWeb/C05788044.txt
def test_field_offices_ports_of_entry_legislatures_and_ministries():
    found = mentions("USBP transferred Mr. BOROR-Urla to ICE Enforcement and \nRemoval Operations (ERO) Detroit custody.\n")
    assert "ERO Detroit" in by_type(found, "AGENCY")
    found = mentions("On May 18, 2019, Mr. HERNANDEZ applied for admission at the El Paso, Texas (TX), Paso \n"
                     "Del Norte Port of Entry. U.S. Customs and Border Patrol (CBP) served him.\n")
    assert "Paso Del Norte Port of Entry" in by_type(found, "AGENCY")
    found = mentions("She will address the California State Assembly on Monday.\n")
    assert "California State Assembly" in by_type(found, "AGENCY")
    found = mentions("Former California State Assembly Speaker Karen Bass is thought to be an early front-runner.\n")
    assert "California State Assembly" in by_type(found, "AGENCY")        # the model's ORG, typed by its words
    found = mentions("He talked with Negad and he has a lawyer over at MOJ trying to get any confirmation.\n")
    assert "MOJ" in by_type(found, "AGENCY")


# CelleBriteFOIA15-3895.pdf, CPD_FOIA15-6690RequestForChecks.pdf, CPD_FOIA16-0190redactions.pdf, ddr-Hernandez.pdf
def test_a_letters_city_that_acts_and_a_police_documents_joined_units_and_labs():
    found = mentions("Dear Mr. Kroll:\n\nThe City of Chicago has retained Drinker Biddle & Reath LLP to assist. "
                     "The NTC leader for the City of Sirte will go.\n")
    assert "City of Chicago" in by_type(found, "AGENCY")
    assert "City of Sirte" not in by_type(found, "AGENCY")          # a place, after "for"
    found = mentions("Chicago Police Department\nSubject: Payment Request - Unit 601 Subscription\n"
                     "Office of Legal Affairs Unit 114\nVICE/ASSET FORFEITURE DIVISION\n"
                     "for the Police Technicians assigned to the Technical Lab. Chicago HIDTA paid.\n")
    agencies = by_type(found, "AGENCY")
    assert {"Vice/Asset Forfeiture Division", "Technical Lab", "Chicago HIDTA", "Office of Legal Affairs"} <= agencies
    assert "Unit 114" not in agencies and "Asset Forfeiture Division" not in agencies
    found = mentions("Chicago Police Department\nJohn Smith\nAdministrative Manager\nFinance Division\n")
    assert "Finance Division" in by_type(found, "AGENCY")       # a signer's title on the line above is no part of it


# CelleBriteFOIA15-3895.pdf: OCR of a signature and a stamp; ddr-style subject named twice; a release's minister
def test_once_in_a_scan_a_name_of_no_known_words_is_ocr_noise():
    from nlp.annotate import annotate
    text = ("Approved by Witeay Degqenl on the form.\n\nMr. Nebane Abienwi was booked. Officers took Nebane Abienwi "
            "to the hospital. Jamie Kalven asked.\n")
    scan = annotate(Document(id="s", path="s.pdf", file_name="s.pdf", media_type="application/pdf",
                             pages=[Page(1, text, method="ocr")])).mentions
    people = by_type(scan, "PERSON")
    assert "Witeay Degqenl" not in people and {"Nebane Abienwi", "Jamie Kalven"} <= people
    assert "Abdulati Obeidi" in by_type(mentions("GOL FM Abdulati Obeidi traveled to Malta.\n"), "PERSON")   # not a scan


# HRCEmail_OctWeb/C05767879.txt: a To: list wrapped over lines, names surname first without a comma, ranks
def test_a_wrapped_recipients_list_is_read_line_by_line():
    found = mentions("To:                         ; Schiegg, Nicole (LPA/PR); Shapiro, Nicholas S.;\n"
                     "Crowley Philip J; Kelly Ian C (PACE); Anderson Brooke D (USUN); Kornblau, Mark\n"
                     "                                          Tekach, Mara (USUN); Duguid, Gordon K\n"
                     "(PACE); Toner, Mark C; Benton, Cheryl A (PACE); Rhodes, Benjamin J.; Szuplat,\n\n"
                     "Cc:\nGovashiri, Ferial; Kudwa, Amy; Jackson, Gina (LPA/AA); O'Neil, Christopher LCDR;\n\n"
                     "Subject: RE: State/USAID/DoD Bfg\n\nThe agenda, dates and times: see below; Monday, Tuesday.\n")
    people = by_type(found, "PERSON")
    assert {"Philip J Crowley", "Ian C Kelly", "Brooke D Anderson", "Mara Tekach", "Gordon K Duguid", "Mark C Toner",
            "Amy Kudwa", "Gina Jackson", "Christopher O'Neil"} <= people
    assert not {"Anderson Brooke", "Monday", "Tuesday"} & people
    assert "U.S. Department of Defense" in by_type(found, "AGENCY")       # "DoD" between slashes


# HRCEmail_OctWeb/C05767879.txt, Clinton_Email_August_Release/C05771771.txt, HRCEmail_SeptemberWeb/C05773853.txt
def test_a_releases_ops_is_the_operations_center_and_a_headings_topic_is_cut():
    stamp = "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05767879 Date: 10/30/2015\n\nRELEASE IN PART B5,B6\n\n"
    found = mentions(stamp + "From: Abedin, Huma <AbedinH@state.gov>\nTo: H\nSubject: Fw: Haiti\n\n"
                     "I'm calling cheryl now thru ops. Ops has his contact info. Photo ops at noon, a rep chosen by DOD.\n\n"
                     "U.S. Government Response to Haitian Earthquake\n")
    agencies = by_type(found, "AGENCY")
    assert {"Operations Center", "U.S. Department of Defense", "U.S. Government"} <= agencies
    assert "U.S. Government Response" not in agencies
    ops = [m for m in found if m.canonical == "Operations Center"]
    assert sorted(m.text for m in ops) == ["Ops", "ops"]          # not the photo ops
    assert "Operations Center" not in by_type(mentions("Special Ops will brief. Ops has it.\n"), "AGENCY")   # no release


# CCSO_FOIA1505_Money_Laundering_Redacted.pdf, FOIA_response_letter_9-17-15.pdf, 15-6588_Kalven_F.pdf
def test_an_officers_title_and_a_forms_fields_are_no_bodies():
    found = mentions("9/18/14\n1299\nJoe Van Horn Chevrolet\nVin #\n Sheriff's \nused Vehicle\n41,799.00\n"
                     "Cook County Sheriff's Office\n")
    assert by_type(found, "AGENCY") == {"Cook County Sheriff's Office"}
    found = mentions("The name of the Investigator\n\nUnit of Assignment of Investigator on the date of the complaint\n"
                     "2. Agency of investigator (IAD, BIA, OPS, or IPRA, etc)\n")
    assert not {"Unit of Assignment", "Agency of Investigator"} & by_type(found, "AGENCY")
    found = mentions("J. Unit of assignment of investigator on the date of the complaint incident (no data available)\n")
    assert not by_type(found, "AGENCY")
    found = mentions("BUREAU OF INVESTIGATIVE SERVICES\nORGANIZED CRIME\nGang Investigations Division\n")   # CPD_FOIA15-4684
    assert "Gang Investigations Division" in by_type(found, "AGENCY")


# HRCEmail_OctWeb/C05766867.txt (a situation report), HRCEmail_OctWeb/C05759011.txt, NovWeb/C05794397.txt
def test_a_cables_government_embassy_bureaus_and_committees():
    found = mentions("Water Remains Key Concern: The GoH has identified safe drinking water in Haiti as urgent. "
                     "Embassy Kabul reported that INL and OFDA staff met the SFRC. Wittig spoke at the U.N. General "
                     "Assembly.\n")
    agencies = by_type(found, "AGENCY")
    assert {"Government of Haiti", "Embassy Kabul", "Bureau of International Narcotics and Law Enforcement Affairs",
            "Office of U.S. Foreign Disaster Assistance", "Senate Foreign Relations Committee"} <= agencies
    assert not [a for a in agencies if "General Assembly" in a]          # the UN's: an international body
    assert "Government of Pakistan" in by_type(mentions("The GOP in Pakistan and the GoP met.\n"), "AGENCY")


# Clinton_Email_August_Release/C05768842.txt: a day's schedule
def test_a_schedules_titled_guests_and_the_oval_office():
    found = mentions("10:00 am FUNERAL SERVICE FOR DR DOROTHY HEIGHT\n\n1:15 pm MEETING w/JACK LEW AND RAJ SHAH\n\n"
                     "1:30 pm BILATERAL w/POLISH FM RADOSLAW SIKORSKI\n\n2:30 pm MEETING w/FOREIGN MINISTER OF JORDAN\n\n"
                     "5:00 pm Oval Office\n")
    assert by_type(found, "PERSON") == {"Dorothy Height", "Jack Lew", "Raj Shah", "Radoslaw Sikorski"}
    assert not by_type(found, "AGENCY")


# 20180313-BEGA-JT/DC_Government_Sexual_Harassment_Policies..., FW__9-7-17_-_DRAFT_MEETING_AGENDA_(OGE)(c).msg.eml,
# 20180227-COST-OOG/COST_Agenda_July_22_2013.docx.eml, Re-_Yvonne_Williams_Reappointment_to_the_COST.pdf.eml
def test_an_emails_greeting_a_mayors_mailbox_and_the_cost_in_a_subject():
    found = mentions("From: Mayor Bowser <Mayor.Bowser@dc.gov>\nTo: Kittab, Waddah (BEGA)\nSubject: COST Agenda July 22 "
                     "2013.docx\n\nHi Waddah. \nThe OGE staff will attend. Yvonne Williams Reappointment is on it.\n")
    people = [m for m in found if m.type == "PERSON"]
    assert {m.text for m in people} == {"Bowser", "Kittab, Waddah", "Waddah"}
    assert {"Commission on Selection and Tenure of Administrative Law Judges", "Office of Government Ethics"} \
        <= by_type(found, "AGENCY")
    found = mentions("ITEM NUMBER DESCRIPTION QUANTITY UNIT COST TOTAL AMOUNT DUE\n1 PENLINK SERVER 1 10,607.80\n")
    assert not by_type(found, "AGENCY")          # an invoice's column, in capitals


# ShopSmallDC.msg.eml, HRCEmail_OctWeb/C05766867.txt; an ICE processing centre as the death reports name them
def test_public_schools_prisons_and_ice_processing_centres_are_agencies():
    found = mentions("Students from Hendley Elementary School and Ballou High School visited Sidwell Friends School. "
                     "Escapees from the National Prison are re-arrested. ICE moved him to the Adelanto ICE Processing "
                     "Center.\n")
    assert {"Hendley Elementary School", "Ballou High School", "National Prison", "Adelanto ICE Processing Center"} \
        <= by_type(found, "AGENCY")
    assert "Sidwell Friends School" not in by_type(found, "AGENCY")


# HRCEmail_DecWeb/C05783166.txt, HRCEmail_OctWeb/C05766867.txt, HRCEmail_OctWeb/C05767879.txt
def test_a_releases_header_brackets_and_office_symbols_name_offices():
    stamp = "UNCLASSIFIED U.S. Department of State Case No. F-2014-20439 Doc No. C05783166 Date: 12/31/2015\n\nRELEASE IN PART B6\n\n"
    found = mentions(stamp + "To: Burns, William J; Shannon, Thomas A (P); Shah, Rajiv (AID/A); Kelly Ian C (PACE);\n"
                     "Korman, Samuel I. (Shai); Tekach, Mara (USUN)\nSubject: Haiti\n\n"
                     "The Office of the Coordinator for Reconstruction and Stabilization (S/CRS) is deploying. S/CRS "
                     "staff met USEU.\n")
    agencies = by_type(found, "AGENCY")
    assert {"Office of the Under Secretary of State for Political Affairs", "USAID Office of the Administrator",
            "PACE", "U.S. Mission to the United Nations", "U.S. Mission to the European Union"} <= agencies
    assert "Shai" not in agencies                                         # a nickname in brackets
    assert {m.canonical for m in found if m.text == "S/CRS"} \
        == {"Office of the Coordinator for Reconstruction and Stabilization"}          # one office, not two
    assert "U.S. Mission to the United Nations" not in by_type(found, "ORG")
    # a one-letter bracket is an office only in a release's header
    assert not by_type(mentions("To: Shannon, Thomas A (P); Burns, William J\n\nThanks.\n"), "AGENCY")


# 20180313-BEGA-JT/Jobs__Jobs__Jobs___Other_Pathways_to_the_Middle_Class.msg.eml; Afghanistan release C05770136
def test_a_body_the_model_missed_before_the_acronym_it_defines():
    found = mentions("The mission of the District of Columbia Fire and Emergency Medical\nServices Department (FEMS) is "
                     "to preserve life. FEMS has an opening. Jefferson Middle School Academy students visited.\n")
    fems = [m for m in found if m.canonical == "Fire and Emergency Medical Services Department"]
    assert {m.text for m in fems} == {"Fire and Emergency Medical\nServices Department", "FEMS"}
    assert all(m.type == "AGENCY" for m in fems)
    assert "Jefferson Middle School Academy" in by_type(found, "AGENCY")        # a public school's academy
    found = mentions("Bids are due under the Request for Proposal (RFP) by Friday. The Field Office Director (FOD) "
                     "signs; the FOD may delegate.\n")
    assert not by_type(found, "AGENCY")                   # an acronym of no body, and an officer's title


# CelleBriteFOIA15-3895.pdf, CCSO_FOIA1505_Money_Laundering_Redacted.pdf, CPD_FOIA16-0190redactions.pdf
def test_a_forms_broken_body_names_and_a_units_administration_section():
    found = mentions("Local Travel / Parking\nAldermanic or Board Of\nElections\n\nFestival, Exhibition and\n"
                     "1072\nConfidential Services Program/Secretary Of State \nPolice\n")
    assert {"Board of Elections", "Illinois Secretary of State Police"} <= by_type(found, "AGENCY")
    found = mentions("CHICAGO POLICE DEPARTMENT\nOrganized Crime Division (OCD)\nPayment for Organized Crime Division - "
                     "Administration.\nThe Administration-OCD pays it. The Drug Enforcement Administration agrees.\n")
    section = [m for m in found if m.canonical == "Organized Crime Division - Administration"]
    assert {m.text for m in section} == {"Organized Crime Division - Administration", "Administration-OCD"}
    assert "Organized Crime Division" in by_type(found, "AGENCY")
    assert not [a for a in by_type(found, "AGENCY") if a.startswith("Drug Enforcement Administration -")]
    # across the corpus the unit is no short form of its own section
    rows = [{"id": 1, "type": "AGENCY", "name": "Organized Crime Division", "mentions": 9, "documents": 2,
             "docs": {"a", "b"}, "attributes": {}},
            {"id": 2, "type": "AGENCY", "name": "Organized Crime Division - Administration", "mentions": 3,
             "documents": 1, "docs": {"a"}, "attributes": {}}]
    assert plan_merges(rows)[0] == []
