"""One entity per person and agency across the corpus, and the user's decisions, which outlast a
new `annotate`. Names are those of the FOIA emails (Traci L. Hughes of BEGA, ...)."""
from __future__ import annotations

import json

from corpus.records import Chunk, Document, Mention, Page
from corpus.store import Corpus
from nlp.resolve import plan_merges
from readingroom import entity_decisions
from readingroom.entity_resolution import resolve_entities


def row(id_, name, mentions=1, type_="PERSON", docs=("d1",), **attributes):
    return {"id": id_, "type": type_, "name": name, "mentions": mentions, "documents": len(docs),
            "docs": set(docs), "attributes": attributes}


def merged(rows):
    planned, dropped = plan_merges(rows)
    names = {r["id"]: r["name"] for r in rows}
    return {(names[k], names[o]) for k, o, _ in planned}, {names[i] for i in dropped}


def test_middle_initials_emails_nicknames_and_surnames_merge():
    pairs, dropped = merged([
        row(1, "Traci L. Hughes", 40, docs=("a",)), row(2, "Traci Hughes", 9, docs=("b",)),
        row(3, "Katherine Mitchell", 30, docs=("c",), emails=["kmitchell@dccouncil.us"]),
        row(4, "Kate Mitchell", 5, docs=("d",), emails=["kmitchell@dccouncil.us"]),
        row(5, "Barack Obama", 20, docs=("e",)), row(6, "Obama", 12, docs=("f",)),
        row(7, "Traci", 268, docs=("g",)),
        row(8, "Darrin P. Sobin", 10, docs=("h",)), row(9, "Sobin, Darrin", 3, docs=("i",)),
    ])
    assert ("Traci L. Hughes", "Traci Hughes") in pairs
    assert ("Katherine Mitchell", "Kate Mitchell") in pairs
    assert ("Barack Obama", "Obama") in pairs
    assert dropped == {"Traci"}          # a lone first name is no one's entity


def test_two_middle_initials_or_a_nickname_without_evidence_stay_apart():
    pairs, _ = merged([row(1, "John A. Smith", docs=("a",)), row(2, "John B. Smith", docs=("b",)),
                       row(3, "John Smith", docs=("c",)),
                       row(4, "Kate Jones", docs=("d",)), row(5, "Katherine Jones", docs=("e",))])
    assert not pairs


def test_an_acronym_defined_anywhere_is_that_agency():
    pairs, _ = merged([row(1, "Board of Ethics and Government Accountability", 112, "AGENCY", acronyms=["BEGA"]),
                       row(2, "DC Board of Ethics and Government Accountability", 8, "AGENCY", acronyms=["BEGA"]),
                       row(3, "BEGA", 1859, "AGENCY"),
                       row(4, "Office of Administrative Hearings One Judiciary Square", 25, "AGENCY"),
                       row(5, "Office of Administrative Hearings", 574, "AGENCY")])
    assert ("Board of Ethics and Government Accountability", "BEGA") in pairs
    assert ("Board of Ethics and Government Accountability", "DC Board of Ethics and Government Accountability") in pairs
    assert ("Office of Administrative Hearings", "Office of Administrative Hearings One Judiciary Square") in pairs


def test_agency_names_that_differ_by_place_plural_or_word_order_are_one():
    pairs, _ = merged([row(1, "Commission on Selection and Tenure of Administrative Law Judges", 40, "AGENCY"),
                       row(2, "D.C. Commission on Selection and Tenure of Administrative Law Judges", 19, "AGENCY"),
                       row(3, "Bureau of Organized Crime", 13, "AGENCY"), row(4, "Bureau of Organized Crimes", 5, "AGENCY"),
                       row(5, "Office of Open Government", 62, "AGENCY", docs=("a",)),
                       row(6, "Open Government Office", 15, "AGENCY", docs=("a",)),
                       row(7, "Ethics Board", 94, "AGENCY", docs=("b",)),
                       row(8, "Board of Ethics and Government Accountability", 900, "AGENCY", docs=("b",)),
                       row(9, "Board of Elections", 9, "AGENCY", docs=("b",))])
    assert {("Commission on Selection and Tenure of Administrative Law Judges",
             "D.C. Commission on Selection and Tenure of Administrative Law Judges"),
            ("Bureau of Organized Crime", "Bureau of Organized Crimes"),
            ("Office of Open Government", "Open Government Office"),
            ("Board of Ethics and Government Accountability", "Ethics Board")} <= pairs
    assert not [p for p in pairs if "Board of Elections" in p]


def _doc(doc_id, names):
    text = "; ".join(n for _, n, _ in names)
    doc = Document(id=doc_id, path=f"{doc_id}.txt", file_name=f"{doc_id}.txt", media_type="text/plain",
                   pages=[Page(1, text)], chunks=[Chunk(1, 1, 0, len(text), text)])
    at = 0
    for type_, surface, canonical in names:
        doc.mentions.append(Mention(type_, surface, canonical, None, 1, at, at + len(surface), 0))
        at += len(surface) + 2
    return doc


def test_decisions_are_kept_by_name_and_replayed_after_annotate(tmp_path):
    with Corpus(tmp_path / "c.db") as corpus:
        first = _doc("d1", [("PERSON", "Hughes, Traci", "Traci Hughes"), ("PERSON", "Traci L. Hughes", "Traci L. Hughes"),
                            ("AGENCY", "BEGA", "BEGA"), ("PERSON", "Ms. Hughes", "Hughes"),
                            ("PERSON", "Bill Draft", "Bill Draft")])
        corpus.add_document(first)
        summary = resolve_entities(corpus)
        assert summary["merged"] >= 2
        found = entity_decisions.describe(corpus, "Traci L. Hughes")
        assert {m["alias"] for m in found["merged"]} >= {"Traci Hughes", "Hughes"}
        assert all(m["reason"] for m in found["merged"])
        traci = found["id"]
        new_id = entity_decisions.split(corpus, traci, "Ms. Hughes")
        retyped = entity_decisions.retype(corpus, entity_decisions.find(corpus, "Bill Draft")["id"], "LAW")
        assert retyped["type"] == "LAW"
        renamed = entity_decisions.rename(corpus, traci, "Traci Hughes")
        assert renamed["name"] == "Traci Hughes"
        assert [d["action"] for d in entity_decisions.decisions(corpus)] == ["split", "retype", "rename"]
        assert new_id != traci
        # annotate writes the document's entities afresh; the decisions come back
        corpus.replace_annotations(_doc("d1", [(m.type, m.text, m.canonical) for m in first.mentions]))
        corpus.drop_orphan_entities()
        resolve_entities(corpus)
        people = {r["name"]: r for r in corpus.entity_counts("PERSON")}
        assert "Traci Hughes" in people and "Traci L. Hughes" not in people
        assert people["Traci Hughes"]["mentions"] == 2          # "Ms. Hughes" stays apart
        assert "Ms. Hughes" in people
        assert [r["name"] for r in corpus.entity_counts("LAW")] == ["Bill Draft"]
        keep, other = people["Traci Hughes"]["id"], people["Ms. Hughes"]["id"]
        result = entity_decisions.merge(corpus, keep, other)
        assert result["name"] == "Traci Hughes"
        assert json.dumps(entity_decisions.decisions(corpus))         # plain data for the web app


def test_entity_commands_show_merge_split_rename_retype_and_list_decisions(tmp_path):
    from typer.testing import CliRunner
    from readingroom.cli import app
    path = tmp_path / "c.db"
    with Corpus(path) as corpus:
        corpus.add_document(_doc("d1", [("PERSON", "Darrin P. Sobin", "Darrin P. Sobin"),
                                        ("PERSON", "Sobin, Darrin", "Darrin Sobin"),
                                        ("PERSON", "Johnnie I. Barton", "Johnnie I. Barton"),
                                        ("ORG", "OAH", "OAH")]))
        resolve_entities(corpus)

    def rr(*args):
        result = CliRunner().invoke(app, ["--corpus", str(path), *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    shown = json.loads(rr("entity", "Darrin P. Sobin", "--format", "json"))     # `entity NAME` as before
    assert shown["merged"][0]["alias"] == "Darrin Sobin" and "middle initial" in shown["merged"][0]["reason"]
    assert "merged: Darrin Sobin" in " ".join(rr("entity", "Sobin").split())
    assert json.loads(rr("entity", "retype", "OAH", "AGENCY", "--format", "json"))["type"] == "AGENCY"
    assert json.loads(rr("entity", "merge", "Darrin P. Sobin", "Johnnie I. Barton", "--format", "json"))["id"] == shown["id"]
    split = json.loads(rr("entity", "split", "Darrin P. Sobin", "Johnnie I. Barton", "--format", "json"))
    assert split["name"] == "Johnnie I. Barton"
    assert json.loads(rr("entity", "rename", "Darrin P. Sobin", "Darrin Sobin", "--format", "json"))["name"] == "Darrin Sobin"
    decisions = json.loads(rr("entity", "decisions", "--format", "json"))
    assert [d["action"] for d in decisions] == ["retype", "merge", "split", "rename"]
    failed = CliRunner().invoke(app, ["--corpus", str(path), "entity", "merge", "Nobody Here", "OAH"])
    assert failed.exit_code == 2 and "no entity named 'Nobody Here'" in failed.output


def test_a_one_word_name_writing_from_a_persons_address_is_that_person():
    # the State Department releases: "From: H <hdr22@clintonemail.com>"
    pairs, dropped = merged([
        row(1, "Hillary Rodham Clinton", 182, docs=("a",), emails=["hdr22@clintonemail.com"]),
        row(2, "H", 227, docs=("b",), emails=["hdr22@clintonemail.com", "hrod17@clintonemail.com"]),
        row(3, "Cheryl Mills", 50, docs=("a",), emails=["millscd@state.gov"]),
        row(4, "Jake", 3, docs=("c",), emails=["shared@state.gov"]),
        row(5, "Jacob Sullivan", 20, docs=("c",), emails=["shared@state.gov"]),
        row(6, "Philippe Reines", 20, docs=("c",), emails=["shared@state.gov"]),
    ])
    assert ("Hillary Rodham Clinton", "H") in pairs
    assert not any("Jake" in p for p in pairs)     # an address two surnames share says nothing


def test_an_acronym_the_model_read_as_a_company_is_the_agency_a_document_defines():
    pairs, _ = merged([
        row(1, "Chicago Police Department", 214, type_="AGENCY", docs=("a",), acronyms=["CPD"]),
        row(2, "CPD", 5, type_="ORG", docs=("b",)),
        row(3, "NOC", 4, type_="ORG", docs=("b",)),
        row(4, "National Oil Corporation", 4, type_="ORG", docs=("c",), acronyms=["NOC"]),
    ])
    assert ("Chicago Police Department", "CPD") in pairs
    assert not any("NOC" in p for p in pairs)      # an ORG's acronym stays with no agency


def test_a_name_without_an_initial_joins_the_form_with_an_initial_mentioned_far_more():
    # State Department release headers: "Sullivan, Jacob J <SullivanJJ@state.gov>", OCR'd "Sullivan, Jacob 1"
    # and "Sullivan, Jacob I"
    pairs, _ = merged([row(1, "Jacob J Sullivan", 315, docs=("a", "b")), row(2, "Jacob I Sullivan", 6, docs=("c",)),
                       row(3, "Jacob Sullivan", 81, docs=("b", "d")),
                       row(4, "John A. Smith", 30, docs=("e",)), row(5, "John B. Smith", 20, docs=("f",)),
                       row(6, "John Smith", 4, docs=("e",))])
    assert ("Jacob J Sullivan", "Jacob Sullivan") in pairs
    assert not any("Jacob I Sullivan" in pair for pair in pairs)      # another initial stays apart
    assert not any("John Smith" in pair for pair in pairs)            # neither initial dominates


def test_a_short_form_never_joins_a_rarer_run_on_and_an_acronym_is_no_generic_word():
    pairs, _ = merged([row(1, "State Department", 1700, "AGENCY", docs=("a", "b")),
                       row(2, "Issues U.S. Department of State 2201 C Street NW", 3, "AGENCY", docs=("a",)),
                       row(3, "Ethics Board", 4, "AGENCY", docs=("c",)),
                       row(4, "Board of Ethics and Government Accountability", 112, "AGENCY", docs=("c",)),
                       row(5, "TAX", 29, "AGENCY", docs=("d",)),     # "Cihlar, Frank P. (TAX)"
                       row(6, "District Office of Tax and Revenue", 2, "AGENCY", docs=("e",)),
                       # CPB_appeals_FOIA.pdf: "Chicago Police Board" once, then "Police Board" throughout
                       row(7, "Police Board", 14, "AGENCY", docs=("f", "g")),
                       row(8, "Chicago Police Board", 2, "AGENCY", docs=("f", "h"))])
    assert ("Issues U.S. Department of State 2201 C Street NW", "State Department") not in pairs
    assert ("Board of Ethics and Government Accountability", "Ethics Board") in pairs
    assert not any("TAX" in pair for pair in pairs)
    assert ("Chicago Police Board", "Police Board") in pairs      # mentioned less, but no run-on


def test_an_acronym_a_document_defines_for_a_law_is_no_company_anywhere():
    # CCC Establishment Act of 2017.section-by-section.docx defines "... the Comprehensive Code of Conduct of the
    # District of Columbia (CCC)"; RE__BEGA_Legislation_(18).msg.eml thanks Jack "for the CCC materials", undefined,
    # and the model reads that CCC as a company. BEGA, an agency's own acronym, stays.
    rows = [row(1, "CCC", 120, type_="ORG", docs=("a", "b")), row(2, "BEGA", 40, type_="AGENCY", docs=("a",)),
            row(3, "Reuters", 80, type_="ORG", docs=("c",))]
    planned, dropped = plan_merges(rows, frozenset({"CCC"}))
    assert dropped == [1]
    assert plan_merges(rows)[1] == []


def test_an_org_of_a_persons_initials_in_her_documents_is_that_person():
    # C05784968.txt, a State Department release: "For: HRC / From: Sid / Re: Syria Intel", in the documents that
    # name Hillary Rodham Clinton; ABC (the network) is no one's initials
    pairs, _ = merged([row(1, "Hillary Rodham Clinton", 196, docs=("a", "b")), row(2, "HRC", 23, type_="ORG", docs=("b",)),
                       row(3, "ABC", 25, type_="ORG", docs=("a",)), row(4, "Anne-Marie Slaughter", 9, docs=("c",)),
                       row(5, "WH", 9, type_="ORG", docs=("a",))])
    assert pairs == {("Hillary Rodham Clinton", "HRC")}
    # not when she is named only elsewhere
    pairs, _ = merged([row(1, "Hillary Rodham Clinton", 196, docs=("a",)), row(2, "HRC", 23, type_="ORG", docs=("b",))])
    assert pairs == set()


def test_one_body_name_of_two_places_is_two_bodies():
    """DC's human resources department and Chicago's are two agencies, though both drop their place;
    and Chicago's is not "City of Chicago" run on (the shared FOIA corpus had merged all three)."""
    pairs, _ = merged([row(1, "City of Chicago", 22, "AGENCY", docs=("a", "b")),
                       row(2, "City of Chicago Department of Human Resources", 1, "AGENCY", docs=("a",)),
                       row(3, "Department of Human Resources", 6, "AGENCY", docs=("a",)),
                       row(4, "DC Department of Human Resources", 3, "AGENCY", docs=("c",)),
                       row(5, "D.C. Department of Human Resources", 1, "AGENCY", docs=("d",))])
    assert ("DC Department of Human Resources", "D.C. Department of Human Resources") in pairs
    assert not {p for p in pairs if "City of Chicago" in p and "DC Department of Human Resources" in p}
    assert not [p for p in pairs if p[0] == "City of Chicago"]
    assert not [p for p in pairs if {"DC Department of Human Resources", "Department of Human Resources"} <= set(p)]
    # nor is the city a short form of its department, mentioned more
    more, _ = merged([row(1, "City of Chicago", 3, "AGENCY", docs=("a",)),
                      row(2, "City of Chicago Department of Human Resources", 10, "AGENCY", docs=("a", "b"))])
    assert not more
    # the name without its place is the body of the place named in its document
    assert ("Department of Human Resources", "City of Chicago Department of Human Resources") in pairs


def test_initials_alone_join_a_body_only_where_it_is_named_and_mixed_case_acronyms_are_one():
    # follow-up_FOIA.pdf's "BIA" is Chicago's Bureau of Internal Affairs, not the Bureau of Indian Affairs that
    # a news item elsewhere names; no document spells BIA out, so initials alone decide nothing across documents
    pairs, _ = merged([row(1, "Bureau of Indian Affairs", 2, "AGENCY", docs=("news",)),
                       row(2, "BIA", 3, "AGENCY", docs=("cpd",)),
                       row(3, "Office of Open Government", 9, "AGENCY", docs=("bega", "oog")),
                       row(4, "OOG", 5, "AGENCY", docs=("oog",)),
                       row(5, "MOJ", 2, "AGENCY", docs=("egypt",)), row(6, "MoJ", 1, "AGENCY", docs=("egypt",))])
    assert ("Bureau of Indian Affairs", "BIA") not in pairs
    assert ("Office of Open Government", "OOG") in pairs
    assert ("MOJ", "MoJ") in pairs


def test_an_agency_name_ocr_misread_joins_the_name_its_document_gives_more_often():
    # CPD_FOIA16-0190redactions.pdf: "ORGANTZED CRIME DIVISION" and "SANIZED CRIME DIVISION" on its memos' heads
    pairs, _ = merged([row(1, "Organized Crime Division", 30, "AGENCY", docs=("memo", "other")),
                       row(2, "Organtzed Crime Division", 1, "AGENCY", docs=("memo",)),
                       row(3, "Sanized Crime Division", 1, "AGENCY", docs=("memo",)),
                       row(4, "Organlzed Crime Section", 1, "AGENCY", docs=("elsewhere",)),
                       row(7, "Organized Crime Section", 5, "AGENCY", docs=("memo",)),
                       row(5, "U.S. District Court for the Eastern District", 9, "AGENCY", docs=("memo",)),
                       row(6, "U.S. District Court for the Western District", 2, "AGENCY", docs=("memo",))])
    assert {("Organized Crime Division", "Organtzed Crime Division"), ("Organized Crime Division", "Sanized Crime Division")} <= pairs
    assert not [p for p in pairs if p[1] == "Organlzed Crime Section"]       # they share no document
    assert not [p for p in pairs if "Western" in p[1]]


def test_a_persons_name_ocr_misread_or_cut_short_joins_the_fuller_one_of_its_document():
    # CPD_FOIA15-6690RequestForChecks.pdf, CelleBriteFOIA15-3895.pdf, CPD_FOIA_15-2549.pdf
    pairs, _ = merged([row(1, "Maureen Biggane", 9, docs=("memo",)), row(2, "Maureen Bigganc", 1, docs=("memo",)),
                       row(3, "Ernest T. Brown", 12, docs=("memo",)), row(4, "Ernest T. Brow", 1, docs=("memo",)),
                       row(5, "Nicholas J. Roti", 6, docs=("memo",)), row(6, "Nicholas J. }Roti", 1, docs=("memo",)),
                       row(7, "John Carter", 5, docs=("memo",)), row(8, "John Carver", 1, docs=("memo",))])
    assert {("Maureen Biggane", "Maureen Bigganc"), ("Ernest T. Brown", "Ernest T. Brow"),
            ("Nicholas J. Roti", "Nicholas J. }Roti")} <= pairs
    assert ("John Carter", "John Carver") not in pairs           # "Carver" is a word: another man


def test_a_possessive_is_no_other_name():
    # every 287(g) MOA: "the LEA’s Internal Affairs Division", "The LEA Internal Affairs Division", "Internal Affairs Division"
    pairs, _ = merged([row(1, "LEA's Internal Affairs Division", 90, "AGENCY", docs=("moa1", "moa2")),
                       row(2, "LEA Internal Affairs Division", 60, "AGENCY", docs=("moa1", "moa2")),
                       row(3, "Internal Affairs Division", 58, "AGENCY", docs=("moa1",))])
    assert {("LEA's Internal Affairs Division", "LEA Internal Affairs Division"),
            ("LEA's Internal Affairs Division", "Internal Affairs Division")} <= pairs


def test_a_place_before_a_bare_body_name_is_one_name_not_two_run_together():
    # FLORIDA MOAs: a bare "County Sheriff's Office" (a name cut by a line) must not take in Palm Beach County's
    pairs, _ = merged([row(1, "County Sheriff's Office", 40, "AGENCY", docs=("a", "b")),
                       row(2, "Palm Beach County Sheriff's Office", 12, "AGENCY", docs=("c",)),
                       row(3, "Office of Open Government", 30, "AGENCY", docs=("d",)),
                       row(4, "Board of Ethics Office of Open Government", 2, "AGENCY", docs=("d",))])
    assert ("County Sheriff's Office", "Palm Beach County Sheriff's Office") not in pairs
