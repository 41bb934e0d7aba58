"""A small, closed expression language for tree authors (stdlib only; see docs/uttrykk.md).

Three uses: conditions (``when: "kontraktsverdi >= terskel(nasjonal) og tjenestetype = helse_sosial"``),
computed facts (``compute: "enhetspris * enheter * aar"``) and text with placeholders
(``"Verdien er {kontraktsverdi}."``). Source text is parsed once, by hand, into an immutable tree of
frozen dataclasses; nothing is ever handed to Python's eval, ast or a template engine.

Decisions, in short (the Norwegian documentation for authors has the long version):

* Literals: integers with optional ``_`` between digits (``1_300_000``); decimals with a point only
  (``0.2``; ``0,2`` is refused because the comma separates arguments); ``20 %`` is the number 0.2;
  ``1_300_000 kr`` is an amount; strings in ``"…"`` or ``«…»`` (no escapes); ``sann``/``usann``;
  dates as ``2026-07-01``.
* A bare name is a fact, except directly after ``=``/``!=`` (and as an item of ``i [..]``), where it
  is an answer id (choice id): ``tjenestetype = helse_sosial``. To compare with another fact there,
  put it in parentheses: ``a = (b)``.
* Amounts are whole øre (``Money``); numbers are ``Decimal``. Every amount an operation produces is
  rounded to whole øre, half up (ties away from zero, ``ROUND_HALF_UP``): money × number and
  money / number. ``rund(x)`` rounds an amount to whole kroner and a number to a whole number, half up.
  money / money is a number. Amounts are compared only with amounts.
* Unknown («vet ikke», unanswered, missing) facts are ``None``. Arithmetic, comparisons and functions
  with an unknown operand give ``None``; ``og``/``eller``/``ikke`` follow Kleene's three-valued logic
  (usann og ukjent = usann, sann eller ukjent = sann). ``kjent(f)`` is never unknown.
  The caller treats a ``None`` condition as «not true».
* Limits: ``MAX_LENGTH`` characters per expression, ``MAX_DEPTH`` levels of nesting, ``MAX_PLACEHOLDERS``
  per template; chains (``a + b + …``, ``x og y og …``) are flat, so no input can exhaust the stack.

Modules, each importing only those above it: ``errors`` (ExprError, caret) → ``values`` (Money, Value,
Kind, formatting) → ``syntax`` (the tree) → ``lexer`` → ``parser`` → ``typecheck`` (FactType, check) →
``evaluation`` (Env, evaluate) → ``template``. This package re-exports the public names of all of them.
"""

from __future__ import annotations

from .errors import ExprError, caret
from .evaluation import Env, evaluate, make_env
from .lexer import MAX_DIGITS as MAX_DIGITS
from .parser import FUNCTIONS as FUNCTIONS
from .parser import KEYWORDS as KEYWORDS
from .parser import MAX_DEPTH, MAX_LENGTH, parse
from .syntax import (
    And,
    Arith,
    Bool,
    Call,
    ChoiceId,
    Compare,
    DateLit,
    Expr,
    Known,
    Member,
    MoneyLit,
    Name,
    Neg,
    Not,
    Num,
    Or,
    Str,
    Threshold,
)
from .template import MAX_PLACEHOLDERS, MAX_TEMPLATE_LENGTH, Template, check_template, parse_template, render
from .typecheck import FactType, check
from .values import KINDS as KINDS
from .values import Kind, Money, Value, format_date, format_money, format_number, format_value

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_PLACEHOLDERS",
    "MAX_TEMPLATE_LENGTH",
    "And",
    "Arith",
    "Bool",
    "Call",
    "ChoiceId",
    "Compare",
    "DateLit",
    "Env",
    "Expr",
    "ExprError",
    "FactType",
    "Kind",
    "Known",
    "Member",
    "Money",
    "MoneyLit",
    "Name",
    "Neg",
    "Not",
    "Num",
    "Or",
    "Str",
    "Template",
    "Threshold",
    "Value",
    "caret",
    "check",
    "check_template",
    "evaluate",
    "format_date",
    "format_money",
    "format_number",
    "format_value",
    "make_env",
    "parse",
    "parse_template",
    "render",
]
