"""Text with ``{uttrykk}`` placeholders: parsing, checking and rendering."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from .errors import ExprError
from .evaluation import Env, evaluate
from .lexer import _CLOSE_QUOTE
from .parser import _parse_span
from .syntax import Expr
from .typecheck import FactType, check
from .values import Money, format_money, format_value

MAX_PLACEHOLDERS = 100
MAX_TEMPLATE_LENGTH = 20_000
_BRACE = re.compile("[{}]")


@dataclass(frozen=True, slots=True)
class Template:
    """Literal text and expressions, in order; `{{` and `}}` in the source are literal braces."""

    source: str
    parts: tuple[str | Expr, ...] = field(default=())

    @property
    def expressions(self) -> tuple[Expr, ...]:
        return tuple(part for part in self.parts if not isinstance(part, str))


def parse_template(source: str) -> Template:
    """Parse text with ``{uttrykk}`` placeholders; offsets in errors and nodes are into `source`."""
    if not isinstance(source, str):
        raise ExprError("teksten må være tekst", 0)
    if len(source) > MAX_TEMPLATE_LENGTH:
        raise ExprError(f"teksten er for lang ({len(source)} tegn; høyst {MAX_TEMPLATE_LENGTH})", 0)
    parts: list[str | Expr] = []
    text: list[str] = []  # literal text since the last placeholder, in pieces
    pos, count = 0, 0
    while (brace := _BRACE.search(source, pos)) is not None:  # literal text up to the next brace is copied as it is
        at = brace.start()
        text.append(source[pos:at])
        if source.startswith("}}", at) or source.startswith("{{", at):
            text.append(source[at])
            pos = at + 2
            continue
        if source[at] == "}":
            raise ExprError("«}» uten «{» foran; skriv «}}» for en klammeparentes i teksten", at)
        close = _placeholder_end(source, at)
        count += 1
        if count > MAX_PLACEHOLDERS:
            raise ExprError(f"for mange {{…}} i teksten (høyst {MAX_PLACEHOLDERS})", at)
        if literal := "".join(text):
            parts.append(literal)
        text = []
        if not source[at + 1 : close].strip():
            raise ExprError("tom {} i teksten; skriv et uttrykk mellom klammeparentesene, eller {{}} for «{}»", at)
        parts.append(_parse_span(source, at + 1, close))
        pos = close + 1
    if literal := "".join([*text, source[pos:]]):
        parts.append(literal)
    return Template(source, tuple(parts))


def _placeholder_end(source: str, start: int) -> int:
    """The index of the «}» that closes the placeholder opened at `start` (quotes may hold braces)."""
    pos = start + 1
    while pos < len(source):
        ch = source[pos]
        if ch in _CLOSE_QUOTE:
            close = source.find(_CLOSE_QUOTE[ch], pos + 1)
            if close < 0:
                raise ExprError(f"teksten som starter med {ch} er ikke lukket med {_CLOSE_QUOTE[ch]}", pos)
            pos = close + 1
            continue
        if ch == "}":
            return pos
        if ch == "{":
            raise ExprError("«{» inne i {…}; lukk det første med «}», eller skriv «{{» for en klammeparentes", pos)
        pos += 1
    raise ExprError("«{» er ikke lukket med «}»; skriv «{{» for en klammeparentes i teksten", start)


def check_template(template: Template, facts: Mapping[str, FactType], thresholds: Collection[str]) -> list[ExprError]:
    """Every problem in the template's expressions (any kind of value may be shown)."""
    errors: list[ExprError] = []
    for expr in template.expressions:
        errors.extend(check(expr, facts, thresholds)[1])
    return errors


def render(
    template: Template,
    env: Env,
    *,
    format_money: Callable[[Money], str] = format_money,
    unknown: str = "vet ikke",
) -> str:
    """The template's text with each placeholder replaced by its value (`unknown` for an unknown one)."""
    out: list[str] = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        else:
            out.append(format_value(evaluate(part, env), format_money=format_money, unknown=unknown))
    return "".join(out)
