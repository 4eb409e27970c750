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
