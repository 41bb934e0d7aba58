"""Trace → JSON dict and markdown. Deterministic: the clock is passed in, never read here."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from decimal import Decimal

from . import __version__
from .catalog import confirmation_warning, said_once, threshold_warnings
from .engine import Engine, State
from .model import CONFIRMED, REPORTED, Catalogue, Outcome, Step, ThresholdUse, Value
from .record import CHANGED, INTACT, MARK_CHANGED, UNSEALED, catalogue_files, content_hash, integrity, seal
from .texts import DISCLAIMER, ORIGIN_LABELS, PERMISSIVE, VERDICT_LABELS, marked, md, md_block, md_code, md_url
from .trace import TRACE_SCHEMA, ThresholdUsed, Trace, TraceFile, TraceNotice, TraceOutcome, TraceSource
from .values import format_amount
from .wording import render_outcome


def json_value(value: Value) -> int | str:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _source(catalogue: Catalogue, source_id: str) -> TraceSource:
    source = catalogue.sources.get(source_id)
    if source is None:
        return {"id": source_id, "citation": source_id, "title": "", "url": ""}
    return {"id": source.id, "citation": source.citation, "title": source.title, "url": source.url}


def build_trace(
    engine: Engine, state: State, start_tree: str, created: dt.datetime, *, complete: bool, more: tuple[Step, ...] = ()
) -> Trace:
    """The trace JSON of design.md for a walk (complete or interrupted). `more`: an interrupted
    walk's answers beyond where it stood (its `path`), saved after its own steps as suggestions."""
    catalogue = engine.catalogue
    used_ids = list(dict.fromkeys([start_tree] + [t for t, _ in state.visited]))
    files: list[TraceFile] = [
        {"id": t.id, "version": t.version, "file": t.loc.file, "sha256": t.sha256}
        for t in (catalogue.trees[i] for i in used_ids if i in catalogue.trees)
    ]
    combined = hashlib.sha256("".join(f"{f['id']}:{f['sha256']}\n" for f in files).encode()).hexdigest()
    root = catalogue.trees[start_tree]
    outcome = engine.outcome(state)
    # Each conclusion on the way once (a tree called twice, say hvilke-regler, concludes the same).
    passed = [(t, catalogue.trees[t].nodes[n]) for t, n in dict.fromkeys(state.passed)]
    uses = state.thresholds + engine.thresholds_shown(state)
    cited = [s for node in (outcome, *(n for _, n in passed)) if isinstance(node, Outcome) for s in node.sources]
    trace: Trace = {
        "schema": TRACE_SCHEMA,
        "content_sha256": "",  # set by seal, last; here so that it stands near the top of the file
        "tool_version": __version__,
        "created": created.isoformat(timespec="seconds"),
        "date_of_assessment": engine.day.isoformat(),
        "tree": {"id": root.id, "title": root.title, "version": root.version, "sha256": combined, "files": files},
        "catalogue_files": catalogue_files(catalogue),
        "steps": [
            {
                "tree": s.tree,
                "node": s.node,
                "key": s.key,
                "question": s.question,
                "answer": json_value(s.answer),
                "answer_label": s.answer_label,
                "origin": s.origin,
                "help_shown": s.help_shown,
                "sources": [_source(catalogue, i) for i in s.sources],
            }
            for s in (*state.steps, *more)
        ],
        "outcome": None if outcome is None else _outcome(engine, state, state.tree, outcome),
        "thresholds": [_threshold_used(catalogue, engine.day, u) for u in uses],
        "path": [f"{t}/{n}" for t, n in state.visited],
        "passed": [_outcome(engine, state, tree_id, node) for tree_id, node in passed if isinstance(node, Outcome)],
        "notices": notices(catalogue, engine.day, cited),
        "complete": complete,
    }
    if catalogue.supplied:
        trace["thresholds_file"] = {"file": catalogue.supplied[0], "sha256": catalogue.supplied[1]}
    return seal(trace)


def _threshold_used(catalogue: Catalogue, day: dt.date, u: ThresholdUse) -> ThresholdUsed:
    used: ThresholdUsed = {
        "id": u.id,
        "title": u.title,
        "amount": json_value(u.amount),
        "from": u.start.isoformat(),
        "source": _source(catalogue, u.source),
        "checked": u.checked.isoformat() if u.checked else None,
        "confirmed_until": u.confirmed_until.isoformat() if u.confirmed_until else None,
        "warnings": threshold_warnings(catalogue.thresholds[u.id], day) if u.status != REPORTED else [],
    }
    if u.status != CONFIRMED:
        used["status"], used["origin"] = u.status, u.origin
    return used


def notices(catalogue: Catalogue, day: dt.date, source_ids: list[str]) -> list[TraceNotice]:
    """The changes in the law, in force on `day`, that the cited sources name: each once."""
    found: list[TraceNotice] = []
    for source_id in dict.fromkeys(source_ids):
        source = catalogue.sources.get(source_id)
        for change in source.changes if source else ():
            if change.start <= day:
                found.append(
                    {
                        "source": source_id,
                        "citation": source.citation,  # type: ignore[union-attr]
                        "from": change.start.isoformat(),
                        "status": change.status,
                        "checked": change.checked.isoformat() if change.checked else None,
                        "text": change.text,
                    }
                )
    return found


def threshold_caveats(trace: Trace) -> tuple[str | None, dict[str, list[str]]]:
    """The caveats of the thresholds a walk used: one sentence for the common case (every amount
    confirmed only until the same date, before the date of assessment), and each threshold's own
    other caveats (all of them when there is no common case)."""
    used = trace["thresholds"]
    day = trace["date_of_assessment"]
    common = said_once([u.get("confirmed_until") for u in used], day)
    until = used[0].get("confirmed_until") if used else None  # when there is a common case, the one date
    if common is None or until is None:
        return None, {u["id"]: list(u.get("warnings", [])) for u in used}
    own = {}
    for u in used:
        said = confirmation_warning(u["title"], format_amount(Decimal(str(u["amount"]))), until, day)
        own[u["id"]] = [w for w in u.get("warnings", []) if w != said]
    return common, own


def caveat_lines(trace: Trace) -> list[str]:
    """threshold_caveats as one list, the common sentence first."""
    common, own = threshold_caveats(trace)
    return ([common] if common else []) + [w for warnings in own.values() for w in warnings]


def _outcome(engine: Engine, state: State, tree_id: str, outcome: Outcome) -> TraceOutcome:
    """An outcome as the walk reads it: its placeholders filled in and its conditional parts chosen."""
    title, text, steps, document = render_outcome(outcome, engine.env(state.facts))
    return {
        "tree": tree_id,
        "node": outcome.id,
        "verdict": outcome.verdict,
        "title": title,
        "text": text,
        "steps": steps,
        "document": document,
        "sources": [_source(engine.catalogue, i) for i in outcome.sources],
    }


# --- markdown -----------------------------------------------------------------


def _note_id(source_id: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", source_id.lower())


class _Notes:
    """Footnotes for sources, numbered by first use."""

    def __init__(self) -> None:
        self.sources: dict[str, TraceSource] = {}

    def cite(self, sources: list[TraceSource]) -> str:
        marks = []
        for source in sources:
            self.sources.setdefault(source["id"], source)
            marks.append(f"{md(source['citation'])}[^{_note_id(source['id'])}]")
        return ", ".join(marks)

    def lines(self) -> list[str]:
        out = []
        for source_id, source in self.sources.items():
            title = f" – {md(source['title'].rstrip('.'))}" if source.get("title") else ""
            url = f" {md_url(source['url'])}" if source.get("url") else ""
            out.append(f"[^{_note_id(source_id)}]: {md(source['citation'])}{title}.{url}")
        return out


def _traceability_section(trace: Trace, state: str) -> list[str]:
    """«Sporbarhet»: the trace's own checksum and every file of the catalogue it was made with."""
    tree = trace["tree"]
    out = ["", "## Sporbarhet", "", _seal_line(trace, state)]
    out += [f"- Sjekksum for trærne (sha256): {md_code(tree['sha256'])}"]
    out += [f"  - {md(f['id'])} {md(f['version'])}: {md_code(f['sha256'])}" for f in tree.get("files", [])]
    if "catalogue_files" in trace:
        out += ["- Kilder og terskelverdier (sha256):"]
        out += [f"  - {md(os.path.basename(f['file']))}: {md_code(f['sha256'])}" for f in trace["catalogue_files"]]
    return out


def to_markdown(trace: Trace) -> str:
    """The lawyer's report of a trace: valid CommonMark (+ footnotes). Same trace → same bytes."""
    notes = _Notes()
    tree = trace["tree"]
    out: list[str] = [f"# Vurdering: {md(tree.get('title', tree['id']))}", ""]
    state = integrity(trace)
    if state == CHANGED:
        out += [f"**{MARK_CHANGED}:** {CHANGED_NOTE}", ""]
    if not trace.get("complete"):
        out += ["**Ufullstendig:** veiviseren ble avbrutt før et resultat.", ""]
    out += [
        f"- Vurderingsdato: {md(trace['date_of_assessment'])}",
        f"- Laget: {md(trace['created'])}",
        f"- Verktøy: anskaffelse {md(trace['tool_version'])}",
        f"- Beslutningstre: {md(tree['id'])}, versjon {md(tree['version'])} (sjekksummer under «Sporbarhet»)",
    ]
    out += ["", "## Spørsmål og svar", ""]
    # An answer a later tree reuses (origin «fact») is not a question of its own: it is noted
    # under the step where it was given, so the numbers follow the questions the buyer answered.
    reused: dict[str, list[str]] = {}
    for step in trace["steps"]:
        if step["origin"] == "fact":
            reused.setdefault(step["key"], []).append(step["tree"])
    given = [s for s in trace["steps"] if s["origin"] != "fact"]
    for n, step in enumerate(given, 1):
        origin = md(ORIGIN_LABELS.get(step["origin"], step["origin"]))
        line = f"{n}. {md(step['question'])} — **{md(step['answer_label'])}** ({origin})"
        out.append(line + (f"; {notes.cite(step['sources'])}" if step["sources"] else ""))
        for tree_id in dict.fromkeys(reused.pop(step["key"], [])):
            out.append(f"   - Svaret er også brukt i beslutningstreet {md(tree_id)}.")
    if not trace["steps"]:
        out.append("Ingen spørsmål ble besvart.")
    if trace["thresholds"]:
        out += _thresholds_section(trace, notes)
    passed = trace.get("passed", [])  # older traces have none
    if passed:
        out += ["", "## Vurderinger underveis", ""]
        for n, earlier in enumerate(passed, 1):
            out += [
                f"{n}. **{md(earlier['title'])}** (beslutningstre {md(earlier['tree'])})",
                "",
                f"   {md(' '.join(earlier['text'].split()))}",
                "",
                f"   Rettslig grunnlag: {notes.cite(earlier['sources'])}.",
                "",
            ]
        out.pop()
    outcome = trace["outcome"]
    out += _notices(trace)
    if outcome and outcome["verdict"] in PERMISSIVE:  # the caveat before a result that says yes
        out += ["", f"*{md(DISCLAIMER)}*"]
    if outcome:
        out += _outcome_section(outcome, notes)
    out += _traceability_section(trace, state)
    if outcome:  # last, so it can be copied as one block into the protocol
        out += _protocol_section(trace, outcome, notes)
    out += ["", f"*{md(DISCLAIMER)}*", ""] if not outcome or outcome["verdict"] not in PERMISSIVE else [""]
    out += notes.lines()
    return "\n".join(out).rstrip() + "\n"


CHANGED_NOTE = (
    "Tracen stemmer ikke med kontrollsummen den ble lagret med: innholdet er endret etter at den ble laget. "
    "Rapporten gjengir den endrede tracen og er ikke dokumentasjon for vurderingen (se `anskaffelse verify`)."
)


def _seal_line(trace: Trace, state: str) -> str:
    """The trace's own hash in «Sporbarhet»: intact, changed (with what the content gives), or none."""
    if state == UNSEALED:
        return "- Kontrollsum for tracen: ingen kontrollsum (en trace i versjon 1)"
    line = f"- Kontrollsum for tracen (sha256 av kanonisk JSON): `{trace.get('content_sha256')}`"
    return line + (" – uendret" if state == INTACT else f" – {MARK_CHANGED}; innholdet gir `{content_hash(trace)}`")


def _notices(trace: Trace) -> list[str]:
    """The changes in the law the result rests on, each as a quote before the result."""
    out = []
    for notice in trace.get("notices", []):
        checked = f", sist undersøkt {notice['checked']}" if notice["checked"] else ""
        out += ["", f"> **{md(notice['citation'])} ({md(notice['status'])}{md(checked)}):** {md(notice['text'])}"]
    return out


def _marked(u: ThresholdUsed) -> str:
    """marked() for markdown: the text escaped, the space before it kept."""
    shown = marked(u)
    return f" {md(shown.strip())}" if shown else ""


def _thresholds_section(trace: Trace, notes: _Notes) -> list[str]:
    out = ["", "## Terskelverdier brukt", ""]
    common, own = threshold_caveats(trace)
    for u in trace["thresholds"]:
        amount = format_amount(Decimal(str(u["amount"])))
        out.append(
            f"- {md(u['title'])}: {md(amount)} ekskl. mva., gjeldende fra {md(u['from'])}{_marked(u)}; "
            f"{notes.cite([u['source']])}"
        )
        out += [f"  - **Merk:** {md(w)}" for w in own[u["id"]]]
    if common:
        out += ["", f"**Merk:** {md(common)}"]
    return out


def _outcome_section(outcome: TraceOutcome, notes: _Notes) -> list[str]:
    verdict = md(VERDICT_LABELS.get(outcome["verdict"], outcome["verdict"]))
    out = [
        "",
        "## Resultat",
        "",
        f"**{verdict}:** {md(outcome['title'])}",
        "",
        "### Hvorfor",
        "",
        md_block(outcome["text"]),
    ]
    if outcome["steps"]:
        out += ["", "### Neste steg", ""] + [f"- {md(s)}" for s in outcome["steps"]]
    if outcome.get("document"):
        out += ["", "### Dette skal dokumenteres", ""] + [f"- {md(s)}" for s in outcome["document"]]
    out += ["", f"Rettslig grunnlag: {notes.cite(outcome['sources'])}."]
    return out


def _protocol_section(trace: Trace, outcome: TraceOutcome, notes: _Notes) -> list[str]:
    """Formal text for the procurement protocol (FOA § 7-1 and the protocol paragraphs)."""
    facts = [s for s in trace["steps"] if s["origin"] != "fact"]
    basis = ", ".join(md(s["citation"]) for s in outcome["sources"])
    tree = trace["tree"]
    out = [
        "",
        "## Til anskaffelsesprotokollen",
        "",
        f"**Konklusjon:** {md(outcome['title'])}",
        "",
        f"**Rettslig grunnlag:** {basis}.",
        "",
        "**Faktiske forhold lagt til grunn:** Oppdragsgiveren har lagt følgende opplysninger til grunn:",
        "",
    ]
    out += [f"- {md(s['question'])} {md(s['answer_label'].rstrip('.'))}." for s in facts]  # one full stop
    for u in trace["thresholds"]:
        amount = format_amount(Decimal(str(u["amount"])))
        if u.get("status") == "rapportert":
            said = f"er rapportert til {md(amount)} ekskl. mva. fra {md(u['from'])}, men ikke bekreftet"
        else:
            said = f"var {md(amount)} ekskl. mva. på vurderingsdatoen{_marked(u)}"
        out.append(f"- {md(u['title'])} {said} ({md(u['source']['citation'])}).")
    cautions = caveat_lines(trace)
    if cautions:
        out += ["", "**Forbehold om terskelverdier:**", ""] + [f"- {md(w)}" for w in cautions]
    passed = trace.get("passed", [])
    if passed:
        out += ["", "**Vurderinger underveis:**", ""]
        for earlier in passed:
            cited = ", ".join(md(s["citation"]) for s in earlier["sources"])
            out.append(f"- {md(earlier['title'])} ({cited}).")
    out += ["", f"**Vurdering:** {md(' '.join(outcome['text'].split()))}"]
    # What to keep on file: for the conclusion and for each conclusion on the way, once each.
    documents = list(dict.fromkeys([*outcome.get("document", []), *(d for e in passed for d in e["document"])]))
    if documents:
        out += ["", "**Dokumentasjon som skal foreligge i saken:**", ""] + [f"- {md(s)}" for s in documents]
    out += [
        "",
        f"Vurderingen er gjort {md(trace['date_of_assessment'])} med verktøyet anskaffelse {md(trace['tool_version'])} "
        f"(beslutningstre {md(tree['id'])}, versjon {md(tree['version'])}).",
    ]
    return out
