"""Entity types that mean what they say, and names tied within a document: rules on short real
excerpts of the FOIA emails and State Department releases (quoted here, not read from disk)."""
from __future__ import annotations

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
    assert grimaldi[0].attributes["agency"] == "BEGA" and grimaldi[0].attributes["email"] == "john.grimaldi@dc.gov"
    assert "BEGA" in by_type(found, "AGENCY")
    assert "Council of the District of Columbia" in by_type(found, "AGENCY")
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
