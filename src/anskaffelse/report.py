"""Trace → the lawyer's report in markdown: valid CommonMark (+ footnotes, and one GFM table), the same bytes for
the same trace. Sections: the case and the dates, the questions and answers, the thresholds, the conclusions on
the way, «Konklusjon», «Hva ville endret resultatet», «Sporbarhet», and, last so that it can be copied as one
block, «Til anskaffelsesprotokollen» (protocol.py)."""

from __future__ import annotations

import os
import re
from decimal import Decimal

from .casefile import CASE_LABELS
from .caveats import threshold_caveats
from .protocol import protocol_section
from .record import CHANGED, INTACT, MARK_CHANGED, UNSEALED, content_hash, integrity
from .texts import (
    DISCLAIMER,
    ORIGIN_LABELS,
    PERMISSIVE,
    VERDICT_LABELS,
    WAYPOINT_LABEL,
    answer_md,
    estimated_value,
    marked_md,
    md,
    md_block,
    md_code,
    md_date,
    md_time,
    md_url,
)
from .trace import Trace, TraceAlternative, TraceOther, TraceOutcome, TraceResult, TraceSource
from .values import format_amount

CHANGED_NOTE = (
    "Tracen stemmer ikke med kontrollsummen den ble lagret med: innholdet er endret etter at den ble laget. "
    "Rapporten gjengir den endrede tracen og er ikke dokumentasjon for vurderingen (se `anskaffelse verify`)."
)


def _note_id(source_id: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", source_id.lower())


class Notes:
    """Footnotes for sources, numbered by first use; a source cited again (also under another id with the
    same citation and address) is the same footnote."""

    def __init__(self) -> None:
        self.sources: dict[str, TraceSource] = {}
        self.same: dict[tuple[str, str], str] = {}  # (citation, url) → the footnote's id

    def cite(self, sources: list[TraceSource]) -> str:
        marks = []
        for source in sources:
            key = self.same.setdefault((source["citation"], source.get("url", "")), source["id"])
            self.sources.setdefault(key, source)
            marks.append(f"{md(source['citation'])}[^{_note_id(key)}]")
        return ", ".join(dict.fromkeys(marks))

    def lines(self) -> list[str]:
        out = []
        for source_id, source in self.sources.items():
            title = f" – {md(source['title'].rstrip('.'))}" if source.get("title") else ""
            url = f" {md_url(source['url'])}" if source.get("url") else ""
            out.append(f"[^{_note_id(source_id)}]: {md(source['citation'])}{title}.{url}")
        return out


def to_markdown(trace: Trace) -> str:
    """The report of a trace."""
    notes = Notes()
    tree = trace["tree"]
    out: list[str] = [f"# Vurdering: {md(tree.get('title', tree['id']))}", ""]
    state = integrity(trace)
    if state == CHANGED:
        out += [f"**{MARK_CHANGED}:** {CHANGED_NOTE}", ""]
    if not trace.get("complete"):
        out += ["**Ufullstendig:** veiviseren ble avbrutt før et resultat.", ""]
    out += _about(trace) + _case_section(trace)
    out += _answers_section(trace, notes)
    if trace["thresholds"]:
        out += _thresholds_section(trace, notes)
    out += _passed_section(trace, notes)
    outcome = trace["outcome"]
    out += _notices(trace)
    if outcome and outcome["verdict"] in PERMISSIVE:  # the caveat before a result that says yes
        out += ["", f"*{md(DISCLAIMER)}*"]
    if outcome:
        out += _conclusion_section(outcome, notes)
    out += alternatives_section(trace.get("alternatives"))
    out += _traceability_section(trace, state)
    if outcome:  # last, so it can be copied as one block into the protocol
        out += protocol_section(trace, outcome)
    out += ["", f"*{md(DISCLAIMER)}*", ""] if not outcome or outcome["verdict"] not in PERMISSIVE else [""]
    out += notes.lines()
    return "\n".join(out).rstrip() + "\n"


def _case_section(trace: Trace) -> list[str]:
    """«Saken»: the case details given, the CPV code and the estimated value (only what is known)."""
    case = trace.get("sak") or {}
    if not case:
        return []
    rows = [
        (CASE_LABELS[k], str(case.get(k))) for k in ("saksnummer", "oppdragsgiver", "adresse", "gjelder") if k in case
    ]
    if "cpv" in case:
        rows.append(("CPV-kode", case["cpv"]["label"]))
    value = estimated_value(trace["steps"])
    if value:
        rows.append(("Anslått verdi", f"{value} ekskl. mva."))
    rows += [(CASE_LABELS[k], str(case.get(k))) for k in ("leverandor", "saksbehandler") if k in case]
    if "beskrivelse" in case:
        rows.append(("Beskrivelse", case["beskrivelse"]))
    return ["", "## Saken", ""] + [f"- {label}: {md(text)}" for label, text in rows]


def _about(trace: Trace) -> list[str]:
    tree = trace["tree"]
    lines = [
        f"- Vurderingsdato {md_date(trace['date_of_assessment'])}; utarbeidet {md_time(trace['created'])}",
    ]
    lines.append(f"- {legal_basis_line(trace)}")
    lines += [
        f"- Verktøy: anskaffelse {md(trace['tool_version'])}",
        f"- Beslutningstre: {md(tree['id'])}, versjon {md(tree['version'])} (sjekksummer under «Sporbarhet»)",
    ]
    return lines


def legal_basis_line(trace: Trace) -> str:
    """Which legal texts the catalogue follows, and up to when its threshold values are confirmed: the report
    does not claim to know the law on the date of assessment."""
    laws = [f"{md(law['law'])} slik den lød {md_date(law['date'])}" for law in trace.get("law_as_of", [])]
    text = (
        f"katalogen følger {' og '.join(laws)}"
        if laws
        else "katalogen oppgir ikke hvilken tekst av regelverket den følger"
    )
    used = trace["thresholds"]
    confirmed = sorted({str(u["confirmed_until"]) for u in used if u.get("confirmed_until")})
    checked = sorted({str(u["checked"]) for u in used if u.get("checked")})
    if confirmed:
        text += f"; terskelverdiene er bekreftet til og med {md_date(confirmed[0])}"
    elif checked:
        text += f"; terskelverdiene ble sist sjekket {md_date(checked[-1])}"
    return f"Rettsgrunnlag: {text}. Senere endringer er ikke med i vurderingen."


def _answers_section(trace: Trace, notes: Notes) -> list[str]:
    out = ["", "## Spørsmål og svar", ""]
    # An answer a later tree reuses (origin «fact») is not a question of its own: it is noted
    # under the step where it was given, so the numbers follow the questions the buyer answered.
    reused: dict[str, list[str]] = {}
    for step in trace["steps"]:
        if step["origin"] == "fact":
            reused.setdefault(step["key"], []).append(step["tree"])
    given = [s for s in trace["steps"] if s["origin"] != "fact"]
    for n, step in enumerate(given, 1):
        origin = md(ORIGIN_LABELS.get(step["origin"], step["origin"]))
        line = f"{n}. {md(step['question'])} — **{answer_md(step)}** ({origin})"
        out.append(line + (f"; {notes.cite(step['sources'])}" if step["sources"] else ""))
        for tree_id in dict.fromkeys(reused.pop(step["key"], [])):
            out.append(f"   - Svaret er også brukt i beslutningstreet {md(tree_id)}.")
    if not trace["steps"]:
        out.append("Ingen spørsmål ble besvart.")
    return out


def _notices(trace: Trace) -> list[str]:
    """The changes in the law the result rests on, each as a quote before the result."""
    out = []
    for notice in trace.get("notices", []):
        checked = f", sist undersøkt {md_date(notice['checked'])}" if notice["checked"] else ""
        out += ["", f"> **{md(notice['citation'])} ({md(notice['status'])}{checked}):** {md(notice['text'])}"]
    return out


def _thresholds_section(trace: Trace, notes: Notes) -> list[str]:
    out = ["", "## Terskelverdier brukt", ""]
    common, own = threshold_caveats(trace)
    for u in trace["thresholds"]:
        amount = format_amount(Decimal(str(u["amount"])))
        since = md_date(u["from"])
        out.append(
            f"- {md(u['title'])}: {md(amount)} ekskl. mva., gjeldende fra {since}{marked_md(u)}; "
            f"{notes.cite([u['source']])}"
        )
        out += [f"  - **Merk:** {md(w)}" for w in own[u["id"]]]
    if common:
        out += ["", f"**Merk:** {md(common)}"]
    return out


def _passed_section(trace: Trace, notes: Notes) -> list[str]:
    """The conclusions on the way, each with its reasoning (only here: the protocol names them)."""
    passed = trace.get("passed", [])  # older traces have none
    if not passed:
        return []
    out = ["", "## Vurderinger underveis", ""]
    for n, earlier in enumerate(passed, 1):
        out += [
            f"{n}. **{md(earlier['title'])}** (beslutningstre {md(earlier['tree'])})",
            "",
            f"   {md(' '.join(earlier['text'].split()))}",
            "",
            f"   Rettslig grunnlag: {notes.cite(earlier['sources'])}.",
            "",
        ]
    return out[:-1]


def verdict_label(outcome: TraceOutcome | TraceResult) -> str:
    """The label of a result: its verdict, or a neutral one for a conclusion other trees go on from (which part
    of the regulation applies is settled, not «to be assessed further»)."""
    if outcome.get("waypoint"):
        return WAYPOINT_LABEL
    return VERDICT_LABELS.get(outcome["verdict"], outcome["verdict"])


def _conclusion_section(outcome: TraceOutcome, notes: Notes) -> list[str]:
    """«Konklusjon»: the result, why, and the next steps. What to document is in the protocol section, once."""
    out = ["", "## Konklusjon", "", f"**{md(verdict_label(outcome))}:** {md(outcome['title'])}"]
    out += ["", "### Hvorfor", "", md_block(outcome["text"])]
    if outcome["steps"]:
        out += ["", "### Neste steg", ""] + [f"- {md(s)}" for s in outcome["steps"]]
    out += ["", f"Rettslig grunnlag: {notes.cite(outcome['sources'])}."]
    return out


def alternatives_section(alternatives: list[TraceAlternative] | None) -> list[str]:
    """«Hva ville endret resultatet»: a table of the other answers that lead elsewhere (for amounts, every band),
    and the questions whose other answers would not change the result."""
    if alternatives is None:  # a trace from before version 3, or not a finished walk
        return []
    out = ["", "## Hva ville endret resultatet", ""]
    out += [
        "Hvert svar er endret ett om gangen, og gjennomgangen er kjørt på nytt med de andre svarene uendret. "
        "For beløp vises intervallene mellom terskelverdiene på vurderingsdatoen (for en beregnet verdi: totalen).",
        "",
    ]
    rows = [row for item in alternatives for row in _rows(item)]
    if rows:
        out += ["| Spørsmål | Svaret som er gitt | Annet svar | Ville ført til |", "|---|---|---|---|"]
        out += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    steady = [item["question"] for item in alternatives if not item["others"]]
    if steady:
        out += ["", "Ingen andre svar på disse spørsmålene ville endret resultatet:", ""]
        out += [f"- {md(question)}" for question in steady]
    if not rows and not steady:
        out.append("Ingen av svarene kunne endres her (bare fritekst, datoer, CPV-koder eller valg av vei).")
    return out


def flips(alternatives: list[TraceAlternative]) -> list[str]:
    """The other answers that lead to another result (not «vet ikke», not one that opens new questions), one line
    each: «Hva skal dere kjøpe?» → Bygge- og anleggsarbeid: Ikke tillatt: …"""
    lines = []
    for item in alternatives:
        for other in item["others"]:
            outcome = other["outcome"]
            if outcome is None or other.get("current") or other["answer"] == "vet_ikke" or other.get("needs"):
                continue
            lines.append(f"«{item['question']}» {other['answer_label']}: {verdict_label(outcome)} – {outcome['title']}")
    return lines


def _rows(item: TraceAlternative) -> list[tuple[str, str, str, str]]:
    rows = []
    for n, other in enumerate(item["others"]):
        first = n == 0
        question, given = (item["question"], item["answer_label"]) if first else ("", "")
        rows.append((question, given, other["answer_label"], where_it_leads(other)))
    return rows


def where_it_leads(other: TraceOther) -> str:
    """Where another answer leads, in words: the result (its label and title), or the question it opens."""
    outcome = other["outcome"]
    if other.get("current"):
        text = "samme resultat (svaret som er gitt)"
    elif outcome is not None:
        text = f"{verdict_label(outcome)}: {outcome['title']}"
    else:
        text = f"nye spørsmål, først: «{other.get('needs', '')}»"
    passed = other.get("passed")
    if passed and not other.get("current"):
        text += "; underveis: " + "; ".join(passed)
    return text


def _traceability_section(trace: Trace, state: str) -> list[str]:
    """«Sporbarhet»: the trace's own checksum and every file of the catalogue it was made with."""
    tree = trace["tree"]
    out = ["", "## Sporbarhet", "", _seal_line(trace, state)]
    out += [f"- Sjekksum for trærne (sha256): {md_code(tree['sha256'])}"]
    out += [f"  - {md(f['id'])} {md(f['version'])}: {md_code(f['sha256'])}" for f in tree.get("files", [])]
    if "catalogue_files" in trace:
        out += ["- Katalogens øvrige filer: kilder, terskelverdier og katalogopplysninger (sha256):"]
        out += [f"  - {md(os.path.basename(f['file']))}: {md_code(f['sha256'])}" for f in trace["catalogue_files"]]
    return out


def _seal_line(trace: Trace, state: str) -> str:
    """The trace's own hash in «Sporbarhet»: intact, changed (with what the content gives), or none."""
    if state == UNSEALED:
        return "- Kontrollsum for tracen: ingen kontrollsum (en trace i versjon 1)"
    line = f"- Kontrollsum for tracen (sha256 av kanonisk JSON): `{trace.get('content_sha256')}`"
    return line + (" – uendret" if state == INTACT else f" – {MARK_CHANGED}; innholdet gir `{content_hash(trace)}`")
