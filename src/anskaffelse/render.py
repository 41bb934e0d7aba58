"""Rich renderables: built here, drawn by the caller on an injected console."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from .model import Catalogue, Question, Step, Threshold
from .phrases import visible
from .texts import DISCLAIMER, ORIGIN_LABELS, PERMISSIVE, VERDICT_LABELS, WAYPOINT_LABEL, marked
from .trace import ThresholdUsed, Trace, TraceOutcome, TraceSource
from .values import format_amount

if TYPE_CHECKING:
    from .errors import AnskaffelseError
    from .replay import Replayed

VERDICT_STYLES = {
    "tillatt": "green",
    "ikke_tillatt": "red",
    "vurder": "yellow",
    "utenfor_regelverket": "blue",
}


class _Console(Console):
    """The one place rich output becomes text: what data put in it is made visible() there, while
    rich's own escape sequences (styles, links) stay."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(visible(segment.text), segment.style) for segment in buffer
        )

    def on_broken_pipe(self) -> None:
        """The reader stopped reading: say so as Python does, for the CLI to end as it does then
        (rich itself would exit with 1, which here means an invalid tree)."""
        self.quiet = True
        raise BrokenPipeError


def make_console(*, stderr: bool = False, file: IO[str] | None = None, width: int | None = None) -> Console:
    """A console that honours NO_COLOR (rich reads it) and never guesses markup in data."""
    return _Console(stderr=stderr, file=file, width=width, highlight=False, soft_wrap=False)


def _hanging(rows: list[Text], mark: str = "•", style: str = "") -> Table:
    """Bullets whose wrapped lines stay indented under the text, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style=style)
    grid.add_column(overflow="fold", style=style)
    for row in rows:
        grid.add_row(mark, row)
    return grid


def sources_view(sources: Sequence[TraceSource]) -> Group:
    """The sources under a heading, outside any box: each address on a line of its own, never
    broken (the terminal wraps a long one softly), so it can be clicked or copied whole."""
    lines: list[RenderableType] = [Text("Rettslig grunnlag", style="bold underline")]
    for source in sources:
        text = Text(source["citation"], style="bold")
        if source.get("title"):
            text.append(f" – {source['title']}")
        lines.append(_hanging([text]))
        if source.get("url"):
            # Printed with crop=False (the report and the help): a line longer than the screen is wrapped by
            # the terminal, not cut or broken by rich.
            url = Text("  ", no_wrap=True, overflow="ignore")
            url.append(source["url"], style=f"link {source['url']}")
            lines.append(url)
    return Group(*lines)


def _bullets(items: list[str]) -> Table:
    return _hanging([Text(item) for item in items])


def step_row(step: Step) -> dict[str, Any]:
    """A recorded step in the shape of a trace step (what answers_table reads)."""
    return {"question": step.question, "answer_label": step.answer_label, "origin": step.origin}


def answers_view(steps: Sequence[Mapping[str, Any]], width: int) -> RenderableType:
    """A table on a wide screen; on a narrow one a list, which stays readable at 60 columns.

    Answers a later tree reused (origin «fact») are left out: each answer is listed once, where
    it was given, and the numbers follow the questions asked.
    """
    steps = [s for s in steps if s["origin"] != "fact"]
    if width >= 90:
        return answers_table(steps)
    rows = []
    for step in steps:
        answer = Text.assemble(("→ ", ""), (step["answer_label"], "bold"))
        answer.append(f"  ({ORIGIN_LABELS.get(step['origin'], step['origin'])})", style="dim")
        rows.append(Group(Text(step["question"]), Padding(answer, (0, 0, 0, 2))))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for n, row in enumerate(rows, 1):
        grid.add_row(f"{n}.", row)
    return Group(Text("Svarene deres", style="bold italic"), grid)


def answers_table(steps: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="Svarene deres", title_justify="left", show_lines=False, expand=False)
    table.add_column("nr", justify="right", no_wrap=True)
    table.add_column("spørsmål")
    table.add_column("svar", style="bold")
    table.add_column("kilde til svaret")
    for n, step in enumerate(steps, 1):
        table.add_row(
            str(n),
            escape(step["question"]),
            escape(step["answer_label"]),
            ORIGIN_LABELS.get(step["origin"], step["origin"]),
        )
    return table


def outcome_panel(outcome: TraceOutcome) -> Group:
    """The result: verdict, one-line answer, why, next steps and what to document in a box; the
    sources and the disclaimer under it."""
    style = VERDICT_STYLES.get(outcome["verdict"], "white")
    parts: list[RenderableType] = [
        Text(outcome["title"], style="bold"),
        Text(""),
        Text("Hvorfor", style="bold underline"),
        Text(outcome["text"].strip()),
    ]
    if outcome["steps"]:
        parts += [Text(""), Text("Neste steg", style="bold underline"), _bullets(outcome["steps"])]
    if outcome.get("document"):
        parts += [
            Text(""),
            Text("Dokumenter i anskaffelsesprotokollen", style="bold underline"),
            _bullets(outcome["document"]),
        ]
    verdict = VERDICT_LABELS.get(outcome["verdict"], outcome["verdict"])
    if outcome.get("waypoint"):  # a settled conclusion other trees go on from: a neutral label
        verdict, style = WAYPOINT_LABEL, "cyan"
    panel = _VerdictPanel(Group(*parts), Text(f" {verdict} ", style=f"bold reverse {style}"), style)
    caveat = Text(DISCLAIMER, style="italic dim")
    if outcome["verdict"] in PERMISSIVE:  # read before the box that says yes, not after the sources
        return Group(caveat, Text(""), panel, sources_view(outcome["sources"]))
    return Group(panel, sources_view(outcome["sources"]), Text(""), caveat)


class _VerdictPanel:
    """The result in a box with the verdict in its top border; on a screen too narrow for the whole
    label there (rich would cut «Må vurderes nærmere» short), the label stands above the box."""

    def __init__(self, body: RenderableType, label: Text, style: str) -> None:
        self.body, self.label, self.style = body, label, style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.label.cell_len + 6 <= options.max_width:
            yield Panel(self.body, title=self.label, border_style=self.style, title_align="left")
        else:
            yield self.label
            yield Panel(self.body, border_style=self.style)


def thresholds_used(thresholds: list[ThresholdUsed], day: str) -> RenderableType:
    rows = []
    for u in thresholds:
        amount = format_amount(Decimal(str(u["amount"])))
        rows.append(Text(f"{u['title']}: {amount} (fra {u['from']}, {u['source']['citation']}){marked(u)}"))
    return Group(Text(f"Terskelverdier brukt (vurderingsdato {day}):", style="dim"), _hanging(rows, style="dim"))


def warnings_view(warnings: list[str]) -> Table:
    return _hanging([Text(w) for w in warnings], mark="⚠", style="yellow")


def report(trace: Trace, warnings: list[str], width: int = 100, *, answers: bool = True) -> Group:
    """The whole end-of-walk report for the terminal (`answers=False`: they were just reviewed)."""
    parts: list[RenderableType] = [answers_view(trace["steps"], width)] if answers else []
    if trace["thresholds"]:
        parts.append(thresholds_used(trace["thresholds"], trace["date_of_assessment"]))
    if warnings:
        parts.append(warnings_view(warnings))
    if trace.get("passed"):
        parts.append(passed_view(trace["passed"]))
    if trace.get("notices"):
        parts.append(_hanging([Text(n["text"]) for n in trace.get("notices", [])], mark="⚠", style="bold yellow"))
    if trace["outcome"]:
        parts.append(outcome_panel(trace["outcome"]))
    if trace.get("alternatives"):
        parts.append(what_if_view(trace))
    return Group(*parts)


WHAT_IF_SHOWN = 6  # lines on the screen; the report has the whole table


def what_if_view(trace: Trace) -> RenderableType:
    """The answers that would flip the result, briefly (the whole table is in the report)."""
    from .report import flips

    found = flips(trace.get("alternatives") or [])
    if not found:
        return Group()
    rows = [Text(line) for line in found[:WHAT_IF_SHOWN]]
    if len(found) > WHAT_IF_SHOWN:
        rows.append(Text(f"… og {len(found) - WHAT_IF_SHOWN} til", style="dim"))
    heading = Text("Hva ville endret resultatet", style="bold italic")
    note = Text("Hele tabellen, med beløpsgrensene, står i rapporten.", style="dim")
    return Group(Text(""), heading, _hanging(rows), note)


def passed_view(passed: list[TraceOutcome]) -> Group:
    """The conclusions on the way to the result (outcomes of called trees), one line each: their
    titles say it («Dette er en anskaffelse …», «Dere kan ikke kjøpe direkte …»)."""
    rows = [Text(earlier["title"]) for earlier in passed]
    return Group(Text("Vurderinger underveis", style="bold italic"), _hanging(rows))


_LIST_ITEM = re.compile(r"\s*(?:[-*•–]|\d{1,2}[.)])\s")


def reflow(text: str) -> str:
    """Help text as paragraphs for the screen to wrap: the line breaks a tree author typed in a
    `|` block (to keep the YAML narrow) are joined; blank lines and list items stay."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        in_item = False
        for line in block.splitlines():
            item = bool(_LIST_ITEM.match(line))
            # After a list item, only an indented line continues it; one at the margin is new text.
            continues = lines and not item and (not in_item or line[:1].isspace())
            if continues:
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.rstrip() if item else line.strip())
                in_item = item
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _paragraphs(text: str) -> list[RenderableType]:
    """Reflowed text for a box: paragraphs as they are, list items with a hanging indent."""
    parts: list[RenderableType] = []
    items: list[Text] = []
    for line in text.split("\n"):
        marker = _LIST_ITEM.match(line)
        if marker:
            items.append(Text(line[marker.end() :]))
            continue
        if items:
            parts.append(_hanging(items, mark="–"))
            items = []
        parts.append(Text(line))
    if items:
        parts.append(_hanging(items, mark="–"))
    return parts


def help_panel(question: Question, catalogue: Catalogue) -> Group:
    """The explanation of a question in a box, and the sources it cites under it."""
    parts = _paragraphs(reflow(question.help) or "Ingen forklaring til dette spørsmålet.")
    for choice in question.choices:
        if choice.help:
            parts.append(Text(f"{choice.label}: {choice.help}", style="dim"))
    shown: list[RenderableType] = [Panel(Group(*parts), title="Forklaring", title_align="left", border_style="cyan")]
    cited = [catalogue.sources[s] for s in question.sources if s in catalogue.sources]
    if cited:
        shown.append(
            sources_view([{"id": s.id, "citation": s.citation, "title": s.title, "url": s.url} for s in cited])
        )
    return Group(*shown)


def thresholds_table(
    thresholds: dict[str, Threshold], day: dt.date, catalogue: Catalogue, width: int = 100
) -> RenderableType:
    """The thresholds in force on `day`: a table, or on a narrow screen a list (nothing cut off)."""
    checked = sorted({t.checked.isoformat() for t in thresholds.values() if t.checked})
    confirmed = sorted({t.confirmed_until.isoformat() for t in thresholds.values() if t.confirmed_until})
    caption = f"Kildene ble sist lest {', '.join(checked) or '(ukjent)'}"
    caption += f"; de bekrefter beløpene til og med {', '.join(confirmed)}." if confirmed else "."
    rows = []
    for threshold in thresholds.values():
        value = threshold.value_on(day)
        source = catalogue.sources.get(threshold.source)
        rows.append(
            (
                threshold,
                _rule_value(threshold.unit, value.amount) if value else "–",
                value.start.isoformat() if value else "ingen verdi ennå",
                source.citation if source else threshold.source,
            )
        )
    title = Text(f"Terskelverdier i kraft {day.isoformat()}", style="italic")
    if width < 80:
        items = []
        for threshold, amount, start, citation in rows:
            item = Text(threshold.title, style="bold")
            item.append(f" ({threshold.id})", style="dim")
            item.append(f"\n{amount} fra {start} · {citation}")
            items.append(item)
        return Group(title, _hanging(items), Text(caption, style="dim"))
    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
    table.add_column("terskel", ratio=1)
    table.add_column("beløp ekskl. mva.", justify="right", no_wrap=True)
    table.add_column("gjelder fra", no_wrap=True)
    table.add_column("kilde", max_width=16)
    for threshold, amount, start, citation in rows:
        name = Text(threshold.title)
        name.append(f"\n{threshold.id}", style="dim")
        table.add_row(name, amount, start, escape(citation))
    return table


def _rule_value(unit: str, amount: Decimal) -> str:
    """A value of terskelverdier.yaml as a person reads it: «836 000 kr», «20 %», «48 måneder»."""
    if unit == "prosent":
        return f"{format_amount(amount).removesuffix(' kr')} %"
    if unit == "måneder":
        return f"{format_amount(amount).removesuffix(' kr')} måneder"
    return format_amount(amount)


def error_view(error: AnskaffelseError, *, terminal: bool) -> RenderableType:
    """An error for stderr: on a screen wrapped between words with continuation lines indented under
    the text; in a log or a pipe, one line per message, to grep."""
    if not terminal:
        lines = [Text.assemble(("Feil: ", "bold red"), error.message)]
        lines += [Text(f"  {line}") for line in error.details]
        return Group(*lines)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text("Feil:", style="bold red"), Text(error.message))
    for line in error.details:
        grid.add_row("", Text(line))
    return grid


def replay_view(result: Replayed) -> Group:
    """What `replay` found: unchanged, or each change."""
    parts: list[RenderableType] = [Text(f"Lagret {result.saved_on}, kjørt på nytt med vurderingsdato {result.day}.")]
    parts += [Text(f"ℹ {note}", style="dim") for note in result.notes]
    if not result.changes:
        parts.append(Text("uendret: samme spørsmål, svar, terskelverdier og resultat", style="bold green"))
        return Group(*parts)
    parts.append(Text(f"endret ({len(result.changes)}):", style="bold yellow"))
    parts += [Text(f"• {change}") for change in result.changes]
    return Group(*parts)


def show_report(console: Console, data: Trace, *, reviewed: bool) -> None:
    """The end of `run` on the screen (`reviewed`: the answers were just on it, so not again)."""
    from .caveats import caveat_lines

    console.print(report(data, caveat_lines(data), console.width, answers=not reviewed), crop=False)


def print_thresholds(console: Console, catalogue: Catalogue, day: dt.date) -> None:
    """`terskler`: the thresholds in force on `day`, and what may be out of date."""
    from .catalog import catalogue_threshold_warnings

    console.print(thresholds_table(catalogue.thresholds, day, catalogue, console.width))
    warnings = catalogue_threshold_warnings(list(catalogue.thresholds.values()), day)
    if warnings:
        console.print(warnings_view(warnings))
