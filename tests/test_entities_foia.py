"""Entity rules for the FOIA letters and State Department releases, each on a few lines copied from a
real document of the shared corpus (quoted here, not read from disk)."""
from __future__ import annotations

from corpus.records import Document, Page
from nlp.annotate import annotate
from nlp.resolve import plan_merges


def mentions(text: str):
    return annotate(Document(id="x", path="x.txt", file_name="x.txt", media_type="text/plain",
                             pages=[Page(1, text)])).mentions


def by_type(found, type_):
    return {m.canonical for m in found if m.type == type_}


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
