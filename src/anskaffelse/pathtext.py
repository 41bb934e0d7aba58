"""`show --paths` as a reader sees it: the paths as «key = label» lines, the count of questions, and
README's table of them (made by scripts/gen_readme_paths.py)."""

from __future__ import annotations

from decimal import Decimal

from .engine import Engine
from .model import Question
from .paths import Summary, WalkedPath, listing, summary
from .phrases import number
from .texts import VERDICT_LABELS, md


def shown(value: Decimal) -> str:
    """A median as a reader sees it: 12, or 12,5."""
    return str(int(value)) if value == value.to_integral_value() else str(value).replace(".", ",")


def summary_lines(result: Summary) -> list[str]:
    """One sentence per kind of path: how many there are and how many questions they ask (the paths
    that type the total value and those through the guided estimate apart, when a tree has both)."""
    kinds = [(result.typed, "når dere skriver inn verdien"), (result.estimated, "med verdiberegningen")]
    both = all(tally is not None for tally, _ in kinds)
    lines = []
    for tally, how in kinds:
        if tally is not None:
            what = "vei" if tally.paths == 1 else "veier"
            lines.append(
                f"Spørsmål {how if both else 'per vei'}: median {shown(tally.median)}, høyst {tally.most} "
                f"(over alle {number(tally.paths)} {what} gjennom treet)."
            )
    return [*lines, "Listen viser hvert svar på hvert spørsmål og hvert utfall minst én gang."]


def questions_table(engine: Engine) -> str:
    """README's table: for each tree of the catalogue, the paths and how many questions they ask
    (typing the total value, and with the guided estimate); made by scripts/gen_readme_paths.py."""
    rows = [
        f"Vurderingsdato {engine.day}; tallene er de `anskaffelse show TRE --paths` viser "
        "(lag tabellen på nytt med `python scripts/gen_readme_paths.py`).",
        "",
        "| tre | veier når dere skriver inn verdien | median | høyst | veier med verdiberegningen | median | høyst |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for tree_id in sorted(engine.catalogue.trees):
        result = summary(engine, tree_id)
        cells = [
            f"{number(t.paths)} | {shown(t.median)} | {t.most}" if t else "– | – | –"
            for t in (result.typed, result.estimated)
        ]
        rows.append(f"| `{tree_id}` | {' | '.join(cells)} |")
    return "\n".join(rows) + "\n"


def answer_keys(engine: Engine) -> dict[str, Question]:
    """Every question of the catalogue by its answer key (made once per listing, not per path)."""
    return {q.key: q for t in engine.catalogue.trees.values() for q in t.questions()}


def path_answers(engine: Engine, path: WalkedPath, questions: dict[str, Question] | None = None) -> list[str]:
    """The answers of a path as a reader sees them: «key = label»."""
    questions = answer_keys(engine) if questions is None else questions
    shown = []
    for key, raw in path.answers:
        question = questions[key]
        shown.append(f"{key} = {engine.label(question, engine.parse(question, raw))}")
    return shown


def questions_label(count: int) -> str:
    return "1 spørsmål" if count == 1 else f"{count} spørsmål"


def listing_title(engine: Engine, paths: list[WalkedPath]) -> str:
    return (
        f"Veier: {len(paths)} (vurderingsdato {engine.day}; beløp prøvd like under, på og like over hver terskel, "
        "og «vet ikke» ved hvert spørsmål)"
    )


def paths_document(engine: Engine, tree_id: str) -> str:
    """`show --paths --format markdown`: the count over every path, then the listed paths."""
    paths, result = listing(engine, tree_id)
    return paths_markdown(engine, paths, result)


def paths_markdown(engine: Engine, paths: list[WalkedPath], result: Summary | None = None) -> str:
    """One list item per path, stable order, so a diff shows which paths a content change altered."""
    lines = [listing_title(engine, paths), ""]
    if result is not None:
        lines += [*summary_lines(result), ""]
    questions = answer_keys(engine)
    for n, path in enumerate(paths, 1):
        answers = "; ".join(path_answers(engine, path, questions)) or "(ingen spørsmål)"
        outcome = f"{path.outcome_tree}/{path.outcome}"
        verdict = VERDICT_LABELS[path.verdict]
        lines.append(f"{n}. {md(answers)} → **{md(outcome)}** ({verdict}) – {questions_label(path.questions)}")
    return "\n".join(lines) + "\n"
