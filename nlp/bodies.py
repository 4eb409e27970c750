"""Pipeline components that find public bodies the general model misses or cuts up: bodies named head
first (`body_names`); units, offices named for their head, courts, field offices, embassies and
governments (`office_names`); and a body's name before the acronym the text defines for it (`defined_names`)."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from nlp.entity_types import body_type, country_of, is_first_name, lists
from nlp.linking import SMALL_WORDS as NAME_SMALL_WORDS, acronym_fits
from nlp.normalize import FIELD_OFFICES, STATES
from nlp.pipeline import REPLACEABLE, set_ents

BODY_HEAD = (r"(?:Department|Dept\.|Office|Bureau|Board|Commission|Committee|Council|Ministry|Division|Agency|"
             r"Administration|Authority|Government)")
NAME_WORD_RX = r"(?:[A-Z][A-Za-z'’.-]*[A-Za-z]|[A-Z])"
# a body named head first: "Department of Law", "Board of Elections", "Government of Libya", "Office of the
# Inspector General", "Committee on the Judiciary & Public Safety"; words on one line, capitalised but for
# the small words inside the name (a form's "Board Of\nElections" may capitalise it and break the line after it)
BODY_NAME = re.compile(rf"\b{BODY_HEAD}[ ](?:of|on|for|Of|On|For)[ \n](?:the[ ])?{NAME_WORD_RX}"
                       rf"(?:[ ](?:(?:and|&|of|for|the|on)[ ])*{NAME_WORD_RX})*")
# a state's name just before a body's name on its line (DC's offices go by their own names: "Office of Open Government")
STATE_BEFORE = re.compile(rf"(?<![\w.-])(?:{'|'.join(sorted(set(STATES.values()) - {'District of Columbia'}))})[ ]\Z")
# a company's or a school's board, and a heading's "Division of Responsibilities"
NOT_BODY_TAIL = {"Directors", "Trustees", "Governors", "Supervisors", "Responsibilities", "Duties", "Powers"}
CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’]+\b")
SMALL_WORDS = {"OF", "ON", "FOR", "THE", "AND"}


def title_view(text: str) -> str:
    """The text with each word in capitals written as a title ("BUREAU OF INVESTIGATIVE SERVICES" ->
    "Bureau of Investigative Services"), so that the name patterns read a letterhead or a memo's heading
    as they read a sentence; as long as the text, so a match's offsets are the text's."""
    return CAPS_WORD.sub(lambda m: m.group().lower() if m.group() in SMALL_WORDS else m.group().capitalize(), text)


@Language.component("body_names")
def body_names(doc: Doc) -> Doc:
    """Bodies named head first that the model left unlabelled or cut short ("Board of Elections",
    "Bureau of Internal Affairs"), as ORG for `nlp.entity_types` to type. A place or acronym the
    model labelled just before the name, on its line, is part of it ("Cook County" + "Department of
    Corrections", "CPD" + "Bureau of Support Services"); a place that holds the name is a body ("the
    City of Chicago Department of Law"). Entities inside the name, or run across a line break into
    it ("Legislative Counsel\nCommittee"), give way to it; where one crosses its edge on one line,
    the model's reading stands."""
    ents = list(doc.ents)
    spans = []
    for m in BODY_NAME.finditer(title_view(doc.text)):
        label = "ORG"
        if "\n" in m.group():        # a name broken over lines is kept only as what it says it is ("Board Of\nElections")
            if body_type(" ".join(m.group().split())) != "AGENCY":
                continue
            label = "AGENCY"
        span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="contract")
        if span is None or any(t.text.capitalize() in NOT_BODY_TAIL for t in span):
            continue
        around = next((e for e in ents if e.start <= span.start and span.end <= e.end and "\n" not in e.text), None)
        if around is not None:        # "the City of Chicago Department of Law" read as a place: a body
            if around.label_ in ("GPE", "LOC", "FAC", "NORP", "PERSON"):
                spans.append(Span(doc, around.start, around.end, label="ORG"))
            continue
        if any(e.start < span.end and span.start < e.end and (e.start < span.start or e.end > span.end)
               and "\n" not in e.text and not (e.end <= span.end and doc.text[e.start_char:span.start_char].endswith(", "))
               for e in ents):     # ("Chair, Committee" gives way: what a comma ends is no part of the name)
            continue          # the model's name crosses this one's edge on one line: its reading stands
        lead = next((e for e in ents if e.end == span.start and e.label_ in ("GPE", "ORG", "AGENCY")
                     and doc.text[e.end_char:span.start_char] == " " and "\n" not in e.text
                     and not e.text.startswith(("the ", "The "))), None)
        start = lead.start if lead else span.start
        if lead is None and (state := STATE_BEFORE.search(doc.text, 0, span.start_char)) is not None \
                and (first := doc.char_span(state.start(), span.start_char - 1)) is not None:
            start = first.start         # "Georgia Department Of Pub": a state the model left unlabelled
        spans.append(Span(doc, start, span.end, label=label))
    for m in ORG_LINE.finditer(doc.text):     # "The Invisible Institute" alone on an address block's line
        span = doc.char_span(m.start("name"), m.end("name"), label="ORG", alignment_mode="contract")
        if span is not None and not any(e.start < span.end and span.start < e.end and e.label_ not in REPLACEABLE
                                        for e in ents) and not any(x.start < span.end and span.start < x.end for x in spans):
            spans.append(span)
    return set_ents(doc, spans)


# a line that is nothing but an association's name: "The Invisible Institute" under a requester's name
ORG_LINE = re.compile(r"(?m)^[ \t]*(?P<name>(?:The[ ]+)?(?:[A-Z][\w'’&.-]*[ ]+){1,4}"
                      r"(?:Institute|Foundation|Association|Coalition|Society|Alliance))[ \t]*$")


# a police or sheriff's unit named head last: "Special Operations Unit", "Southwest Major Case Unit", "Gun Team";
# one of its words says what police work it does (not "Subpoena Compliance Unit", a company's, nor "Sales Team")
UNIT_WORDS = ("Operations|Investigations?|Investigative|Case|Gang|Narcotics|Crimes?|Homicide|Vice|Gun|Tactical|Patrol|"
              "Intelligence|Detectives?|Fugitive|Warrants?|SWAT|Traffic|Canine|K-9|Evidence|Forensics?|Enforcement|"
              "Bomb|Arson|Robbery|Burglary|Auto|Theft|Marine|Mounted|Gangs|Drug|Drugs|Surveillance|Undercover|"
              "Victims?|Juvenile|Sex|Cyber|Firearms|Prisoner|Detention|Transport|Custody|Internal|Affairs|Recruit|Forfeiture|"
              "Technical|Finance")
# ("Vice/Asset Forfeiture Division": two units' names joined)
UNIT = re.compile(rf"(?<![\w/-])(?P<name>(?:[A-Z][A-Za-z'’/-]*[ ]){{0,4}}?(?:{UNIT_WORDS})[ \n]"
                  rf"(?:[A-Z][A-Za-z'’-]*[ ]){{0,2}}(?:Unit|Squad|Team|Task[ ]Force|Section|Division|Lab|Laboratory))"
                  rf"(?![\w-])(?![ ]+\d)")
# capitalised words ending the line before a unit's name that a line break cut from it ("Funds; Special\n")
WRAPPED_LEAD = re.compile(r"(?<![\w-])(?P<words>(?:[A-Z][a-z]+[ ]?){1,2})\n\Z")
UNIT_NOT_LEAD = {"The", "Official", "Advance", "Funds", "For", "To", "From", "Re", "Subject", "Dear", "A", "An", "Our",
                 "Your", "This", "That", "Each", "All", "And", "Of", "In", "On", "At", "By", "With", "Please",
                 "Commander", "Chief", "Captain", "Lieutenant", "Sergeant", "Director", "Deputy", "Officer"}   # its head's title
# offices named for their head: "the Cook County State’s Attorney", "U.S. Attorney for the Northern District of
# Illinois", "the Public Access Counselor", "the Circuit Court of Cook County"; a name after them makes them a title
OFFICE = re.compile(r"(?<![\w.])(?P<name>(?:(?:[A-Z][a-z]+[ ]){1,3}State['’]s[ ]Attorney(?:['’]s[ ]Office)?|"
                    r"(?:U\.S\.|United[ ]States)\s+Attorney(?:['’]s[ ]Office)?[ ]for[ ]the[ ](?:[A-Z][a-z]+[ ]){0,2}"
                    r"District[ ]of[ ][A-Z][a-z]+(?:[ ](?:York|Jersey|Carolina|Dakota|Mexico|Hampshire|Island|Virginia|Columbia|Rico))?|"
                    r"Public[ ]Access[ ]Counselor|"
                    r"(?<![-'’])(?:St\.[ ])?(?:[A-Z][a-z]+(?:['’]s)?[ ]){1,2}(?:County|Parish)[ ]Sheriff['’]s[ ]"
                    r"(?:Office|Department)|"
                    rf"(?:Office[ ]of[ ]the[ ])?(?:{'|'.join(sorted(STATES.values()))})[ ]Attorney[ ]General(?:['’]s[ ]Office)?|"
                    rf"(?:{'|'.join(sorted(STATES.values()))})[ ](?:State[ ](?:Assembly|Senate)|General[ ]Assembly|"
                    r"Legislature|State[ ]Legislature|House[ ]of[ ](?:Representatives|Delegates))|"
                    r"(?:[A-Z][a-z]+[ ]){1,4}Port[ ]of[ ]Entry|"
                    r"(?:Circuit|District|Superior|Supreme|Appellate|Municipal|Probate|Juvenile|Family)[ ]Court[ ]"
                    r"(?:of|for)[ ](?:the[ ])?[A-Z][a-z]+(?:[ ](?:of[ ])?[A-Z][a-z]+){0,3}))"
                    r"(?![ ]+[A-Z][a-z]+[ ][A-Z])")
# a mission named for its city or country: "U.S. Embassy New Delhi", "US Embassy in Uzbekistan", a cable's "Embassy
# Santo Domingo" (not "U.S. Embassy Officials")
EMBASSY = re.compile(r"(?<![\w.])(?P<name>(?:(?:U\.S\.|US|American)[ ])?(?:Embassy|Consulate)(?P<in>[ ]in)?[ ]"
                     r"(?:(?:New|San|Los|El|Abu|Addis|Kuala|Tel|Buenos|Port|Saint|St\.)[ ])?(?P<place>[A-Z][a-z]+))(?![\w-])")
# an ICE detention centre with ICE in its name: "the Adelanto ICE Processing Center" (the model cuts it at "ICE")
ICE_FACILITY = re.compile(r"(?<![\w-])(?P<name>(?:[A-Z][a-z]+[ ]){1,3}ICE[ ]Processing[ ]Center)(?![\w-])")
# a country's government named by its people: "the Uzbek government", "British government" (Government of ...)
THE_COUNTRIES = ("United", "Netherlands", "Philippines", "Bahamas", "Czech", "Dominican", "Central African")
NATIONAL_GOVERNMENT = re.compile(r"(?<![\w-])(?P<name>(?P<demonym>[A-Z][a-z]+)[ ][Gg]overnment)(?![\w-])")
# an ICE field office, named as the death reports do: "released Mr. HERNANDEZ into ERO Miami custody"
# or "ICE Enforcement and Removal Operations (ERO) Detroit"
ERO_OFFICE = re.compile(rf"(?<![\w.])(?P<name>(?:ERO|(?:ICE\s)?Enforcement\sand\sRemoval\sOperations\s\(ERO\))[ ]"
                        rf"(?P<city>{'|'.join(map(re.escape, FIELD_OFFICES))}))(?![ ]Field|\w)")
# a letterhead's government after its department and a bullet (OCR: a dash): "Department of Police · City of Chicago"
LETTERHEAD_CITY = re.compile(r"\b(?:Department|Office|Bureau|Board|Commission)[ ](?:of|for)[ ][A-Z][A-Za-z ]{2,40}?"
                             r"[ ][·•+|«»*~–—-][ ](?P<name>(?:City|County|State|Village|Town)[ ]of[ ][A-Z][a-z]+"
                             r"(?:[ ](?:Heights|Park|City|Beach|Springs|Falls|Lake|Hills|Rapids|Rock|York|Orleans))?)")


@Language.component("office_names")
def office_names(doc: Doc) -> Doc:
    """Public bodies the model cuts up or reads as places or people: head-last police units ("Funds for the
    Special Operations Unit", "ORGANIZED CRIME DIVISION"), offices named for their head or a court's seat ("the
    Cook County State’s Attorney", "U.S. Attorney for the Northern District of Illinois", "the Circuit Court of
    Cook County"), a state's legislature ("California State Assembly"), a port of entry, ICE's field
    offices ("ERO Miami") and processing centres ("Adelanto ICE Processing Center"), embassies named for
    their city ("U.S. Embassy New Delhi") and a country's government named by its people ("the Uzbek
    government": Government of Uzbekistan). A span of ours takes the place of the model's entities inside
    it or crossing its edge; the ruler's stand, but for the ICE inside a field office's or a centre's name."""
    ents = list(doc.ents)
    spans = []
    named = (ERO_OFFICE, EMBASSY, NATIONAL_GOVERNMENT, ICE_FACILITY)     # our span names the body, whatever a token's id says
    titled = title_view(doc.text)
    for rx in (UNIT, OFFICE, LETTERHEAD_CITY, *named):
        for m in rx.finditer(titled if rx is UNIT else doc.text):
            start = m.start("name")
            name = m.group("name")
            if rx is ERO_OFFICE:
                name_id = f"ERO {m.group('city')}"
            elif rx is NATIONAL_GOVERNMENT:
                if not (country := country_of(m.group("demonym"))):
                    continue
                name_id = f"Government of {'the ' if country.startswith(THE_COUNTRIES) else ''}{country}"
            elif rx is EMBASSY:
                place = next((e for e in ents if e.label_ == "GPE" and e.start_char <= m.start("place") < e.end_char
                              and "\n" not in e.text), None)
                if place is None and not m.group("in"):
                    continue                              # "U.S. Embassy Officials": the model sees no place
                if place is not None and place.start_char == m.start("place"):
                    name = doc.text[start:place.end_char]      # the whole place: "Embassy Santo Domingo"
                name_id = name
            else:
                name_id = name
            if rx is UNIT and "\n" in name and (head := doc.text[start:start + name.index("\n")]).isupper() \
                    and not name.isupper():
                start, name = start + len(head) + 1, name[len(head) + 1:]     # a heading in capitals above it
            while (first := re.split(r"\s", name, maxsplit=1)[0]) in UNIT_NOT_LEAD and re.search(r"\s", name):
                start += len(first) + 1
                name = name[len(first) + 1:]
            if not re.search(r"\s", name):
                continue
            if rx is UNIT and re.match(rf"(?:{UNIT_WORDS})\b", name) \
                    and (lead := WRAPPED_LEAD.search(doc.text, max(0, start - 40), start)) \
                    and not set(lead.group("words").split()) & (UNIT_NOT_LEAD | lists()["TITLE_WORDS"]) \
                    and not is_first_name(lead.group("words").split()[0]):
                # "Special\nOperations Unit", not "Administrative Manager\nFinance Division" (a signer's title) nor
                # "Todd English\nInvestigations Division" (a point of contact's name)
                start = lead.start("words")
                name = doc.text[start:m.end("name")]
            span = doc.char_span(start, start + len(name), label="AGENCY", span_id=name_id if rx in named else 0)
            if span is None or any(e.ent_id_ and e.start < span.end and span.start < e.end
                                   and ((e.label_ == "AGENCY" and rx not in named)     # "ERO" of "ERO Miami" gives way
                                        or e.start < span.start or e.end > span.end) for e in ents):
                continue
            spans.append(span)
    for e in ents:       # "Office of Legal Affairs Unit 114": a mail unit's number, no part of the name
        if e.label_ in ("ORG", "AGENCY") and len(e) > 2 and e[-1].text in ("Unit", "Suite", "Room") \
                and e.end < len(doc) and doc[e.end].like_num and not e.ent_id_:
            spans.append(Span(doc, e.start, e.end - 1, label=e.label_))
    return set_ents(doc, filter_spans(spans))


# an acronym the text defines in brackets after a name: "(FEMS)", "(HPC)"
DEFINITION = re.compile(r"\((?P<acronym>[A-Z]{2,8})\)")
DEFINED_WORD = re.compile(r"[A-Z][A-Za-z'’.&-]*")


def defined_start(text: str, end: int, acronym: str) -> int | None:
    """Where the name ending at `end` that `acronym` stands for starts: the fewest words before it,
    capitalised but for small words between, on a line or two (no blank line), whose initials spell
    the acronym in order; None if there is none."""
    words = []
    window = max(0, end - 200)
    for w in reversed(list(re.finditer(r"\S+", text[window:end]))):
        between = text[window + w.end():words[0][0] if words else end]
        if "\n\n" in between or not (DEFINED_WORD.fullmatch(w.group()) or w.group() in NAME_SMALL_WORDS):
            break
        words.insert(0, (window + w.start(), w.group()))
        if len(words) > 2 * len(acronym) + 2:
            break
    for i in range(len(words) - 1, -1, -1):
        start, word = words[i]
        capitals = sum(w[0].isupper() for _, w in words[i:])
        if word[0] == acronym[0] and capitals <= len(acronym) + 1 and acronym_fits(acronym, text[start:end]):
            return start
    return None


@Language.component("defined_names")
def defined_names(doc: Doc) -> Doc:
    """A public body's name the model missed, before the acronym the text defines for it ("the District of
    Columbia Fire and Emergency Medical\nServices Department (FEMS)", "High Peace Council (HPC)"), when the
    name says it is an agency (`body_type`); `resolve_acronyms` then labels the acronym. The model's
    entities inside the name give way; where one crosses its edge, the model's reading stands."""
    ents = list(doc.ents)
    spans = []
    for m in DEFINITION.finditer(doc.text):
        end = len(doc.text[:m.start()].rstrip())
        if (start := defined_start(doc.text, end, m.group("acronym"))) is None:
            continue
        name = " ".join(doc.text[start:end].split())
        if body_type(name) != "AGENCY" or name.split()[-1] in lists()["TITLE_WORDS"]:
            continue                  # "Field Office Director (FOD)": an officer's title, not the office
        span = doc.char_span(start, end, label="AGENCY", alignment_mode="contract")
        if span is None or any(e.start < span.end and span.start < e.end and (e.start < span.start or e.end > span.end)
                               for e in ents):
            continue
        spans.append(span)
    return set_ents(doc, spans)
