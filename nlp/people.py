"""Pipeline components that find people where the general model misses them or cuts them up: email
header lines (`header_people`, before the model), titled names, the signer under a valediction, addressed
names, a letter's addressee, a report's subject, a schedule's guest (after it)."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc
from wordfreq import zipf_frequency

from nlp.entity_types import is_first_name, lists
from nlp.normalize import COURTESY, HONORIFICS
from nlp.pipeline import REPLACEABLE, set_ents


# a quoted message's attribution: "On Feb 2, 2017, at 3:19 PM, Grimaldi, John J. (BEGA)\n<John.Grimaldi@dc.gov> wrote:"
WROTE_LINE = re.compile(r"^[ \t>]*On\b[^\n]{4,60}(?:[AP]M|\d{4}),[ \t]+(?P<value>[^\n<]*?)[ \t]*"
                        r"(?P<next><|wrote:|\n[ \t]*<)", re.M)
HEADER_LINE = re.compile(r"^[ \t]*(?:From|To|Cc|CC|Bcc|BCC|FROM|TO)[ \t]*:[ \t]*(?P<value>[^\n]*)", re.M)
# the next field on the same line, its colon sometimes lost to OCR before the column gap ("Abedin, Huma Subject\tRE:")
NEXT_FIELD = re.compile(r"\s(?:From|To|Cc|CC|Bcc|Date|Sent|Subject|Importance|Attachments?)(?:\s*:|\t|$)")
# between the people of one header line
RECIPIENT = re.compile(r";|>\s*,|\t")
# the space where a wrapped line runs one "Last, First" into the next: "Canegallo, Kristie A. Feltman, Jeffrey D",
# "Kornblau, Mark Tekach, Mara (USUN)"
RUN_ON_NAMES = re.compile(r"[A-Z][A-Za-z'’-]+,[ ][A-Z][A-Za-z'’-]+(?:[ ][A-Z]\.?)?(?P<gap>[ ])(?=[A-Z][A-Za-z'’-]+,[ ][A-Z][a-z])")
LISTED_ADDRESS = re.compile(r"@[^<>\s]+>\s*,")       # an addressed recipient ending in a list: `... <a@b.gov>,`
# what follows a name: an address, also one quoting itself as a link ("<kmitchell@DCCOUNCIL.US<mailto:kmitchell@...>>")
NAME_TAIL = re.compile(r"\s*(?:<[^<>]*(?:<[^<>]*>?)?[^<>]*>?|\[mailto[^\]]*\]?|\((?:[^)]*)\)?|[\"'])\s*$")
LAST_FIRST = re.compile(r"(?P<last>[A-Z][A-Za-z'’-]+(?: [A-Z][A-Za-z'’-]+| - [A-Z][A-Za-z'’-]+)?), "
                        r"(?P<first>[A-Z][A-Za-z'’-]+(?: [A-Z]\.?| [A-Z][a-z]+)?)")
# a recipients list's "Crowley Philip J": surname, given name and initial without the comma
LAST_FIRST_INITIAL = re.compile(r"(?P<last>[A-Z][a-z][A-Za-z'’-]+) (?P<first>[A-Z][a-z]+) (?P<initial>[A-Z])\.?")
# a service member's rank or service after the name: "O'Neil, Christopher LCDR", "LaGuardia, Martha CDR"
RANK_AFTER = re.compile(r"(?<=[a-z])[ ](?:LCDR|CDR|CAPT|COL|LTC|MAJ|CPT|LT|ADM|RADM|VADM|GEN|SGT|USN|USMC|USAF|USA|CTR)$")
LAST_INITIAL = re.compile(r"(?P<last>[A-Z][A-Za-z'’-]+), (?P<first>[A-Z])\.?")   # "Hunt, K" <khunt@...>
FIRST_LAST = re.compile(r"[A-Z][A-Za-z'’-]+(?: [A-Z]\.)?(?: [A-Z][A-Za-z'’-]+){1,2}")
ONE_NAME = re.compile(r"[A-Z][a-z]{0,14}")


def _mailbox(word: str) -> bool:
    """A one-word recipient that is an office's mailbox ("Judiciary (Council)"), not a person: a body's word or
    an everyday word that is no given name."""
    return word in lists()["AGENCY_WORDS"] or (len(word) > 2 and not is_first_name(word)
                                               and zipf_frequency(word.lower(), "en") >= 3.8)


def _continued_lists(text: str) -> list[tuple[str, int, bool]]:
    """Lines that go on listing recipients without their field's name: a long To: line that a page
    break cut (`gov>, "Levy, Michael (EOM)" <michael.levy@dc.gov>, ...`), or that wrapped
    (`Tekach, Mara (USUN); Duguid, Gordon K`). Two addresses each followed by a comma, or two
    "Last, First" names between semicolons, make a line a list."""
    found, pos = [], 0
    for line in text.split("\n"):
        if not HEADER_LINE.match(line) and (len(LISTED_ADDRESS.findall(line)) >= 2 or sum(
                bool(_surname_first(_bare(item))) for item in line.split(";")) >= 2):
            found.append((line, pos, True))
        pos += len(line) + 1
    return found


def _bare(item: str) -> str:
    """A recipient without its address, office, rank or quotes: `'Tekach, Mara (USUN)'` -> `Tekach, Mara`."""
    name = item.strip(" \"'")
    while (tail := NAME_TAIL.search(name)) and tail.start() < len(name):
        name = name[:tail.start()]
        if not name:
            break
    return RANK_AFTER.sub("", name.rstrip(" \"'"))


def _surname_first(name: str) -> str | None:
    """A listed name written surname first, first-name-first: `Tekach, Mara` -> `Mara Tekach`,
    `Crowley Philip J` -> `Philip J Crowley` (where `Philip` is a given name)."""
    if (m := LAST_FIRST.fullmatch(name)):
        return f"{m.group('first')} {m.group('last')}"
    if (m := LAST_FIRST_INITIAL.fullmatch(name)) and is_first_name(m.group("first")):
        return f"{m.group('first')} {m.group('initial')} {m.group('last')}"
    return None


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
        cuts = sorted([(sep.start() + (1 if sep.group().startswith(">") else 0), sep.end(), sep.group() == "\t")
                       for sep in RECIPIENT.finditer(value)]
                      + [(run.start("gap"), run.end("gap"), False) for run in RUN_ON_NAMES.finditer(value)])
        for cut, after, gap in cuts:
            items.append((last, value[last:cut], after_gap))
            last, after_gap = after, gap
        items.append((last, value[last:], after_gap))
        listed = len(items) > 1 or "<" in value or addressed
        for start, item, after_gap in items:
            lead = len(item) - len(item.lstrip(" \"'"))
            name = _bare(item)
            initial_o = bool(re.search(r", [A-Z][a-z]+ 0$", name))     # OCR's "Melia, Thomas 0": Thomas O. Melia
            name = re.sub(r"[ ]\d{1,2}$", "", name)     # a footnote mark, or an initial OCR made a digit: "Burns, William 3"
            name = re.sub(r"[ ][a-z~=_]{1,2}$", "", name)          # a scan's speck: "TO: Anthony J. Riccio z"
            if not name or "@" in name:
                continue
            if (title := HONORIFICS.match(name)) and title.end() < len(name):    # "Mayor Bowser <Mayor.Bowser@dc.gov>"
                lead, name = lead + title.end(), name[title.end():]
            if (m := LAST_FIRST.fullmatch(name)) or ("@" in item and (m := LAST_INITIAL.fullmatch(name))):
                full = f"{m.group('first')} {m.group('last')}"
                if initial_o:
                    full, name = f"{m.group('first')} O. {m.group('last')}", name + " 0"
            elif listed and (m := LAST_FIRST_INITIAL.fullmatch(name)) and is_first_name(m.group("first")):
                full = _surname_first(name)
            elif FIRST_LAST.fullmatch(name) or (listed and not after_gap and ONE_NAME.fullmatch(name)
                                                and not _mailbox(name)):
                full = name
            else:
                continue
            begin = offset + start + lead
            span = doc.char_span(begin, begin + len(name), label="PERSON", span_id=full)
            if span is not None:
                spans.append(span)
    return set_ents(doc, spans)


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


def _titled_name(name: str) -> bool:
    """A titled name is a person's when no word of it is a title, a month or an everyday word, unless the
    first is a given name ("President Barack Obama"; not "Chief Financial Officer", "Secretary General")."""
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
    return set_ents(doc, spans)


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
    return set_ents(doc, spans)


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
COURTESY_CAPS = re.compile(rf"\b{COURTESY}(?<=\.)[ ]?(?P<name>{CAPS_SURNAME})(?![\w-])")
# a schedule's guest, in capitals: "11:40am PHOTO w/MS. SHARMEEN OBAID-CHINOY", "MEETING w/JOHN BEYRLE, FORMER US AMB."
GUEST_END = r"(?=,|[ ](?:OF|FROM|AND|ON|TO|AT|FOR|RE|IN)\b|[ ]*$)"
SCHEDULE_GUEST = re.compile(r"\bw/(?P<honorific>(?:MS|MR|MRS|DR|AMB|SEN|GOV)\.?[ ])?(?P<name>[A-Z]{2,}(?:[ ][A-Z]\.)?(?:[ ][A-Z][A-Z'’-]+){1,2})"
                            + GUEST_END + r"(?:[ ]AND[ ](?P<second>[A-Z]{2,}(?:[ ][A-Z][A-Z'’-]+){1,2})" + GUEST_END + ")?", re.M)
# a guest after a title on a schedule's line: "8:00 am PHONE CALL w/CHINESE STATE COUNCILOR DAI BINGGUO", "FUNERAL SERVICE
# FOR DR DOROTHY HEIGHT", "BILATERAL w/POLISH FM SIKORSKI"
SCHEDULE_TITLED = re.compile(r"^[ \t]*\d{1,2}:\d{2}[ ]?[apAP]\.?[mM]\.?[^\n]*?\b(?:FM|PM|PRIME[ ]MINISTER|FOREIGN[ ]MINISTER|"
                             r"MINISTER|PRESIDENT|COUNCILOR|AMB\.?|AMBASSADOR|DR\.?|SEN\.?|SENATOR|GOV\.?|GOVERNOR|KING|"
                             r"QUEEN|PRINCE|SECRETARY)[ ](?!(?:OF|THE|AND|FOR|TO|AT|ON|IN|FROM)\b)"
                             r"(?P<name>[A-Z][A-Z'’-]+(?:[ ][A-Z][A-Z'’-]+){0,2})" + GUEST_END, re.M)
SALUTATION = re.compile(rf"^[ \t]*Dear[ ]+{COURTESY}[ ]+(?P<name>[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?)[ \t]*[:,]", re.M)


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
    and a schedule's guest in capitals ("PHOTO w/MS. SHARMEEN OBAID-CHINOY", "w/POLISH FM RADOSLAW SIKORSKI")."""
    found = [m for m in ADDRESSED.finditer(doc.text) if _mailbox_of(m.group("name"), m.group("local"))]
    found += [m for m in NAME_OVER_EMAIL.finditer(doc.text) if _mailbox_of(m.group("name"), m.group("local"))]
    found += [m for m in ATTENTION.finditer(doc.text) if is_first_name(m.group("name").split()[0])]   # not "Records Unit"
    found += list(SALUTATION.finditer(doc.text)) + list(COURTESY_CAPS.finditer(doc.text))
    guests = list(SCHEDULE_GUEST.finditer(doc.text))
    named = [(m, "name", m.group("name").title()) for m in guests
             if m.group("honorific") or is_first_name(m.group("name").split()[0].title())]
    named += [(m, "second", m.group("second").title()) for m in guests
              if m.group("second") and is_first_name(m.group("second").split()[0].title())]    # "w/JACK LEW AND RAJ SHAH"
    named += [(m, "name", m.group("name").title()) for m in SCHEDULE_TITLED.finditer(doc.text)]
    named += [(m, "name", f"{m.group('first')} {m.group('last')}") for m in CAPS_LAST_FIRST.finditer(doc.text)
              if is_first_name(m.group("first").split()[0])]           # not "CHICAGO, Illinois"
    spans = [span for m, group, name in named
             if (span := doc.char_span(m.start(group), m.end(group), label="PERSON", span_id=name)) is not None]
    for m in found:
        span = doc.char_span(m.start("name"), m.end("name"), label="PERSON")
        if span is not None and not any(e.ent_id_ and e.start < span.end and span.start < e.end for e in doc.ents):
            spans.append(span)
    return set_ents(doc, spans)
