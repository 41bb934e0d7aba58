"""«Til anskaffelsesprotokollen»: the part of the report a buyer pastes into the procurement protocol, in formal
third person («Oppdragsgiveren har vurdert …»), never addressing the buyer («Dere kan …»).

It has the protocol's own list (FOA § 10-5 (2), or § 25-5 (2) in del III) with what the walk knows filled in
and the rest as labelled blanks, the facts the assessment rests on (not the answers that only chose the way,
and not «vet ikke»: those are open points), the buyer's own reasons (free-text answers), the conclusions on
the way, the conclusion with its legal basis, the caveats on the thresholds, and what must be on file, once.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .caveats import caveat_lines
from .texts import answer_md, estimated_value, marked_md, md, md_date
from .trace import Trace, TraceOutcome, TraceStep
from .values import format_amount

BLANK = "*(fylles ut der det er relevant)*"
UNKNOWN = "vet_ikke"

# FOA § 10-5 (2) and § 25-5 (2), as the regulation words them (read in the FOA text per 21.3.2024).
PARAGRAPH_10_5 = (
    ("a", "oppdragsgiverens navn og adresse", "name"),
    ("b", "en beskrivelse av hva som skal anskaffes, og den anslåtte verdien av anskaffelsen", "what"),
    ("c", "begrunnelsen for å bruke unntak fra kravet om bruk av elektronisk kommunikasjon ved mottak av tilbud", ""),
    ("d", "navnet på leverandørene som har levert forespørsel om å delta i konkurransen", ""),
    ("e", "navnet på leverandørene som er valgt ut i en konkurranse hvor det settes en grense for antallet "
     "deltakere, og begrunnelsen for utvelgelsen", ""),
    ("f", "navnet på leverandørene som har levert tilbud", ""),
    ("g", "navnet på leverandørene som er avvist, og begrunnelsen for å avvise deres forespørsel om å delta i "
     "konkurransen eller deres tilbud", ""),
    ("h", "begrunnelsen for å fravike opplysningene i anskaffelsesdokumentene om planlagt dialog", ""),
    ("i", "navnet på leverandørene som oppdragsgiveren velger å ha dialog med, og en kort begrunnelse for "
     "utvelgelsen", ""),
    ("j", "opplysninger om tilfeller av inhabilitet eller konkurransevridning som følge av dialog med "
     "leverandørene, og eventuelle avhjelpende tiltak som er gjennomført", ""),
    ("k", "navnet på den valgte leverandøren, begrunnelsen for valget og kontraktens verdi", "supplier"),
    ("l", "hvilke deler av kontrakten den valgte leverandøren planlegger at underleverandører skal utføre, og "
     "underleverandørens navn, forutsatt at opplysningene er kjent", ""),
    ("m", "begrunnelsen for at oppdragsgiveren avlyser konkurransen", ""),
    ("n", "begrunnelsen for å reservere konkurransen ved kjøp av helse- og sosialtjenester for ideelle "
     "organisasjoner", "ideelle"),
    ("o", "andre vesentlige forhold", "other"),
)  # fmt: skip
PARAGRAPH_25_5 = (
    ("a", "oppdragsgiverens navn og adresse", "name"),
    ("b", "en beskrivelse av hva som skal anskaffes, og den anslåtte verdien av anskaffelsen", "what"),
    ("c", "begrunnelsen for ikke å dele opp kontrakten", ""),
    ("d", "begrunnelsen for å bruke konkurranse med forhandling etter forutgående kunngjøring eller "
     "konkurransepreget dialog", ""),
    ("e", "begrunnelsen for å bruke konkurranse med forhandling uten forutgående kunngjøring eller anskaffelse "
     "uten konkurranse", ""),
    ("f", "begrunnelsen for å bruke unntak fra kravet om bruk av elektronisk kommunikasjon ved mottak av tilbud", ""),
    ("g", "navnet på leverandørene som har levert forespørsler om å delta i konkurransen", ""),
    ("h", "navnet på leverandørene som er valgt ut i en konkurranse hvor det settes en grense for antallet "
     "deltakere, og begrunnelsen for utvelgelsen", ""),
    ("i", "navnet på leverandørene som har levert tilbud", ""),
    ("j", "navnet på leverandørene som er avvist, og begrunnelsen for å avvise deres forespørsler om å delta i "
     "konkurransen eller deres tilbud", ""),
    ("k", "navnet på leverandørene som har fått sine tilbud forkastet, og begrunnelsen for reduksjonen", ""),
    ("l", "opplysninger om tilfeller av inhabilitet eller konkurransevridning som følge av dialog med "
     "leverandører og eventuelle avhjelpende tiltak som er gjennomført", ""),
    ("m", "navnet på den valgte leverandøren, begrunnelsen for valget og kontraktens verdi", "supplier"),
    ("n", "hvilke deler av kontrakten den valgte leverandøren planlegger at underleverandører skal utføre, og "
     "underleverandørenes navn, forutsatt at opplysningene er kjent", ""),
    ("o", "begrunnelsen for at oppdragsgiveren avlyser konkurransen", ""),
    ("p", "andre vesentlige forhold", "other"),
)  # fmt: skip
# The part of the regulation a walk is under, from the conclusion of the bundled tree that settles it.
PARTS = {"del-1": "I", "del-2": "II", "del-2-saerlige-over": "II", "del-3": "III", "del-4": "IV"}
PART_TREE = "hvilke-regler"
# The sources whose reasons answer § 10-5 (2) n: the reservation for ideelle (§ 30-2a) and the letter itself.
IDEELLE_SOURCES = ("foa-30-2a", "foa-10-5-2-n")


def protocol_section(trace: Trace, outcome: TraceOutcome) -> list[str]:
    """The whole protocol section of the report."""
    out = ["", "## Til anskaffelsesprotokollen"]
    out += _paragraph_list(trace, outcome)
    out += _facts(trace) + _reasons(trace) + _passed(trace)
    out += _conclusion(trace, outcome) + _open_points(trace) + _caveats(trace) + _documents(trace, outcome)
    tree = trace["tree"]
    out += [
        "",
        f"Vurderingen har vurderingsdato {md_date(trace['date_of_assessment'])} og er gjort med verktøyet "
        f"anskaffelse {md(trace['tool_version'])} (beslutningstre {md(tree['id'])}, versjon {md(tree['version'])}).",
    ]
    return out


def third_person(text: str) -> str:
    """A text written to the buyer («Dere kan …», «svarene deres») in formal third person («Oppdragsgiveren kan
    …», «svarene til oppdragsgiveren»)."""

    def swap(m: re.Match[str]) -> str:
        capital, before = m.group(1) == "D", text[: m.start()]
        if m.group(2):  # «deres»: after a definite noun («svarene deres») or before a noun («deres egne»)
            after_noun = re.search(r"\w(?:ene|en|et|a)\s+$", before) is not None
            word = "til oppdragsgiveren" if after_noun else "oppdragsgiverens"
        else:
            word = "oppdragsgiveren"
        return word[0].upper() + word[1:] if capital else word

    return re.sub(r"\b([Dd])ere(s?)\b", swap, text)


def part_of(trace: Trace) -> str | None:
    """The part of the regulation (I–IV) the walk settled, if it did."""
    concluded = [*trace.get("passed", []), *([trace["outcome"]] if trace["outcome"] else [])]
    parts = [PARTS[o["node"]] for o in concluded if o["tree"] == PART_TREE and o["node"] in PARTS]
    return parts[-1] if parts else None


def _paragraph_list(trace: Trace, outcome: TraceOutcome) -> list[str]:
    part = part_of(trace)
    paragraph, letters = ("§ 25-5 (2)", PARAGRAPH_25_5) if part == "III" else ("§ 10-5 (2)", PARAGRAPH_10_5)
    note = _duty(part, outside=outcome["verdict"] == "utenfor_regelverket")
    out = [
        "",
        f"### Opplysninger etter FOA {paragraph}",
        "",
        note + " Punktene fylles ut i den utstrekning de er relevante.",
        "",
    ]
    for letter, label, known in letters:
        out.append(f"- {letter}) {label[0].upper() + label[1:]}: {_filled(known, trace, outcome)}")
    return out


def _duty(part: str | None, *, outside: bool) -> str:
    """Which protocol duty the walk's part of the regulation gives (read in FOA §§ 7-1, 10-5, 25-5, 30-1)."""
    if outside:
        return (
            "Etter vurderingen gjelder ikke anskaffelsesregelverket, og forskriften krever da ingen protokoll; "
            "punktene i FOA § 10-5 (2) er tatt med som sjekkliste for det saken bør dokumentere."
        )
    if part == "III":
        return "Anskaffelsen følger forskriftens del III; protokollen føres etter FOA § 25-5."
    if part in ("II", "IV"):
        return f"Anskaffelsen følger forskriftens del {part}; protokollen føres etter FOA § 10-5" + (
            ", jf. § 30-1 (7)." if part == "IV" else "."
        )
    if part == "I":
        return (
            "Anskaffelsen følger forskriftens del I; FOA § 7-1 (3) krever at vesentlige forhold nedtegnes, og "
            "punktene i § 10-5 (2) (del II) er tatt med som sjekkliste."
        )
    return (
        "Der forskriften gjelder, krever FOA § 7-1 (3) at vesentlige forhold nedtegnes; punktene i § 10-5 (2) "
        "(del II, og del IV etter § 30-1 (7)) er tatt med som sjekkliste."
    )


def _filled(known: str, trace: Trace, outcome: TraceOutcome) -> str:
    """What the walk knows for one letter of the list, or a labelled blank."""
    case = trace.get("sak") or {}
    if known == "name":
        given = [case[k] for k in ("oppdragsgiver", "adresse") if k in case]
        return md(", ".join(given)) if given else BLANK
    if known == "what":
        what = case.get("gjelder") or case.get("beskrivelse")
        parts = [md(what) if what else "*(beskrivelse fylles ut)*"]
        if "cpv" in case:
            parts.append(f"CPV {md(case['cpv']['label'])}")
        value = estimated_value(trace["steps"])
        parts.append(f"anslått verdi {md(value)} ekskl. mva." if value else "*(anslått verdi fylles ut)*")
        return "; ".join(parts)
    if known == "supplier" and "leverandor" in case:
        supplier = md(case["leverandor"])
        return f"leverandør oppgitt i saken: {supplier}; begrunnelsen for valget og kontraktens verdi {BLANK}"
    if known == "ideelle":
        reasons = [s for s in _reason_steps(trace) if any(x["id"].startswith(IDEELLE_SOURCES) for x in s["sources"])]
        return "se begrunnelsene under." if reasons else BLANK
    if known == "other":
        return "se opplysningene, begrunnelsene og vurderingen under."
    return BLANK


def _fact_steps(trace: Trace) -> list[TraceStep]:
    """The answers the assessment rests on: not those that only chose the way, not a reused answer, not «vet ikke»
    (an open point) and not free text (a reason, shown in full)."""
    return [
        s
        for s in trace["steps"]
        if s["origin"] != "fact" and not s.get("navigation") and s["answer"] != UNKNOWN and s.get("input") != "text"
    ]


def _reason_steps(trace: Trace) -> list[TraceStep]:
    return [s for s in trace["steps"] if s.get("input") == "text" and s["origin"] != "fact" and s["answer"] != UNKNOWN]


def _facts(trace: Trace) -> list[str]:
    out = [
        "",
        "### Faktiske forhold lagt til grunn",
        "",
        "Oppdragsgiveren har lagt følgende opplysninger til grunn:",
        "",
    ]
    out += [f"- {md(third_person(s['question']))} {answer_md(s).rstrip('.')}." for s in _fact_steps(trace)]
    for u in trace["thresholds"]:
        amount = format_amount(Decimal(str(u["amount"])))
        if u.get("status") == "rapportert":
            said = f"er rapportert til {md(amount)} ekskl. mva. fra {md_date(u['from'])}, men ikke bekreftet"
        else:
            said = f"var {md(amount)} ekskl. mva. på vurderingsdatoen{marked_md(u)}"
        out.append(f"- {md(u['title'])} {said} ({md(u['source']['citation'])}).")
    return out if len(out) > 5 else []


def _reasons(trace: Trace) -> list[str]:
    """The buyer's own reasons (free-text answers), each in full, with its line breaks."""
    steps = _reason_steps(trace)
    if not steps:
        return []
    out = ["", "### Oppdragsgiverens begrunnelser", ""]
    for step in steps:
        lines = [md(line) for line in str(step["answer"]).splitlines() if line.strip()]
        out += [f"**{md(third_person(step['question']))}**", "", "\\\n".join(lines), ""]
    return out[:-1]


def _passed(trace: Trace) -> list[str]:
    passed = trace.get("passed", [])
    if not passed:
        return []
    out = ["", "### Delkonklusjoner", ""]
    for earlier in passed:
        cited = ", ".join(md(s["citation"]) for s in earlier["sources"])
        out.append(f"- {md(third_person(earlier['title']))} ({cited}).")
    return out


_FRAMING = {
    "tillatt": "Oppdragsgiveren har vurdert vilkårene som oppfylt på grunnlag av opplysningene og begrunnelsene over",
    "ikke_tillatt": "Oppdragsgiveren har vurdert vilkårene som ikke oppfylt på grunnlag av opplysningene over",
    "vurder": "Oppdragsgiveren har vurdert saken på grunnlag av opplysningene over, og konklusjonen krever en "
    "nærmere vurdering",
    "utenfor_regelverket": "Oppdragsgiveren har vurdert at anskaffelsesregelverket ikke gjelder",
}


def _conclusion(trace: Trace, outcome: TraceOutcome) -> list[str]:
    framing = (
        "Oppdragsgiveren har vurdert saken på grunnlag av opplysningene over"
        if outcome.get("waypoint")
        else (_FRAMING.get(outcome["verdict"], "Oppdragsgiveren har vurdert saken"))
    )
    basis = ", ".join(dict.fromkeys(md(s["citation"]) for s in outcome["sources"]))
    return [
        "",
        "### Konklusjon",
        "",
        f"{framing}: {md(third_person(outcome['title']))}.",
        "",
        f"Rettslig grunnlag: {basis}.",
    ]


def _open_points(trace: Trace) -> list[str]:
    """«Vet ikke» answers: not facts, but points the case must still settle."""
    unknown = [
        s for s in trace["steps"] if s["origin"] != "fact" and s["answer"] == UNKNOWN and not s.get("navigation")
    ]
    if not unknown:
        return []
    out = ["", "### Åpne punkter", "", "Disse forholdene var ikke avklart da vurderingen ble gjort:", ""]
    return out + [f"- {md(third_person(s['question']))}" for s in unknown]


def _caveats(trace: Trace) -> list[str]:
    cautions = caveat_lines(trace)
    if not cautions:
        return []
    return ["", "### Forbehold om terskelverdier", ""] + [f"- {md(w)}" for w in cautions]


def _documents(trace: Trace, outcome: TraceOutcome) -> list[str]:
    """What must be on file: the conclusion's and each conclusion's on the way, each once (also when two trees
    word it alike)."""
    items = [*outcome.get("document", []), *(d for e in trace.get("passed", []) for d in e["document"])]
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(re.sub(r"[\s.]+", " ", item.casefold()).strip(), item)
    if not seen:
        return []
    return ["", "### Dokumentasjon som skal foreligge i saken", ""] + [
        f"- {md(third_person(s))}" for s in seen.values()
    ]
