"""The expression language of anskaffelse.expr: grammar, types, «vet ikke», money in øre, templates, limits."""

from __future__ import annotations

import datetime as dt
import decimal
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anskaffelse.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_PLACEHOLDERS,
    And,
    Arith,
    ChoiceId,
    Compare,
    Env,
    Expr,
    ExprError,
    FactType,
    Kind,
    Member,
    Money,
    MoneyLit,
    Name,
    Not,
    Num,
    Or,
    Template,
    Threshold,
    Value,
    caret,
    check,
    check_template,
    evaluate,
    format_value,
    make_env,
    parse,
    parse_template,
    render,
)

FACTS = {
    "kontraktsverdi": FactType("money"),
    "enhetspris": FactType("money"),
    "antall_enheter": FactType("number"),
    "varighet_aar": FactType("number"),
    "andel": FactType("number"),
    "tjenestetype": FactType("choice", ("helse_sosial", "saerlige", "bygg_anlegg", "annet")),
    "hovedformaal": FactType("choice", ("ja", "nei")),
    "ideell": FactType("bool"),
    "navn": FactType("text"),
    "frist": FactType("date"),
}
THRESHOLDS = {"nasjonal": Decimal(1_300_000), "eos-helse-sosial": Decimal(7_800_000), "nedre-grense": Decimal(100_000)}


def env(**answers: object) -> Env:
    return make_env(answers, FACTS, THRESHOLDS)


def run(source: str, **answers: object) -> Value | None:
    """Parse, check (must be clean) and evaluate."""
    expr = parse(source)
    kind, errors = check(expr, FACTS, THRESHOLDS.keys())
    assert errors == [], [e.show(source) for e in errors]
    assert kind is not None
    return evaluate(expr, env(**answers))


def problems(source: str) -> list[tuple[str, int]]:
    _, errors = check(parse(source), FACTS, THRESHOLDS.keys())
    return [(e.message, e.offset) for e in errors]


def parse_error(source: str) -> ExprError:
    with pytest.raises(ExprError) as info:
        parse(source)
    return info.value


def kr(amount: int | str) -> Money:
    return Money.from_kroner(Decimal(amount))


# --- parsing and precedence -------------------------------------------------------------------------


def test_multiplication_binds_tighter_than_addition_and_chains_are_left_to_right() -> None:
    assert run("1 + 2 * 3") == 7
    assert run("(1 + 2) * 3") == 9
    assert run("10 - 4 - 3") == 3  # (10 - 4) - 3, not 10 - (4 - 3)
    assert run("12 / 3 / 2") == 2
    assert run("-2 * 3 + 10") == 4
    assert run("- -5") == 5


def test_og_binds_tighter_than_eller_and_ikke_covers_a_whole_comparison() -> None:
    expr = parse("ideell eller andel > 1 og andel < 3")
    assert isinstance(expr, Or) and isinstance(expr.items[1], And)
    assert run("sann eller usann og usann") is True  # sann eller (usann og usann)
    assert run("(sann eller usann) og usann") is False
    negated = parse("ikke andel = 3")
    assert isinstance(negated, Not) and isinstance(negated.operand, Compare)
    assert run("ikke andel = 3", andel=3) is False
    assert run("ikke ikke sann") is True


def test_the_tree_is_immutable_and_carries_offsets() -> None:
    expr = parse("kontraktsverdi >= terskel(eos-helse-sosial)")
    assert isinstance(expr, Compare)
    assert expr.offset == 15
    assert expr.left == Name("kontraktsverdi", 0)
    assert expr.right == Threshold("eos-helse-sosial", 18, 26)
    with pytest.raises(AttributeError):
        expr.op = "<"  # type: ignore[misc]
    assert parse("a + b") == parse("a + b")  # plain values: equal sources give equal trees


def test_a_bare_name_after_equals_or_in_a_list_is_an_answer_id() -> None:
    expr = parse("tjenestetype = helse_sosial")
    assert isinstance(expr, Compare) and expr.right == ChoiceId("helse_sosial", 15)
    member = parse("tjenestetype i [helse_sosial, saerlige]")
    assert isinstance(member, Member) and member.options == (ChoiceId("helse_sosial", 16), ChoiceId("saerlige", 30))
    # but not as a part of arithmetic, nor in parentheses
    assert isinstance(parse("andel = antall_enheter + 1"), Compare)
    sums = parse("andel = antall_enheter + 1")
    assert isinstance(sums, Compare) and isinstance(sums.right, Arith)
    paren = parse("andel = (antall_enheter)")
    assert isinstance(paren, Compare) and paren.right == Name("antall_enheter", 9)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1_300_000", Decimal(1_300_000)),
        ("0.2", Decimal("0.2")),
        ("20 %", Decimal("0.2")),
        ("12.5%", Decimal("0.125")),
    ],
)
def test_number_literals(source: str, expected: Decimal) -> None:
    expr = parse(source)
    assert isinstance(expr, Num) and expr.value == expected


def test_amount_date_string_and_truth_literals() -> None:
    assert parse("1_300_000 kr") == MoneyLit(Money(130_000_000), 0)
    assert parse("12.50 kr") == MoneyLit(Money(1250), 0)
    assert parse("12kr") == MoneyLit(Money(1200), 0)
    assert run("2026-07-01") == dt.date(2026, 7, 1)
    assert run('"helse_sosial"') == "helse_sosial"
    assert run("«med } og {»") == "med } og {"
    assert run("sann") is True and run("usann") is False
    assert run("1 ≠ 2") is True


@pytest.mark.parametrize(
    ("source", "offset", "message"),
    [
        ("", 0, "tomt"),
        ("   ", 0, "tomt"),
        ("1 +", 3, "slutter for tidlig"),
        ("kontraktsverdi * 0,2", 18, "desimaltall skrives med punktum"),
        ("maks(1,2)", 6, "desimaltall skrives med punktum"),
        ("a and b", 2, "skriv «og»"),
        ("a × b", 2, "skriv * for gange"),
        ("'tekst'", 0, "doble anførselstegn"),
        ('navn = "uten slutt', 7, "ikke lukket"),
        ("Kontraktsverdi > 1", 0, "små bokstaver: «kontraktsverdi»"),
        ("årlig_verdi > 1", 0, "ikke æ, ø, å"),
        ("a < b < c", 6, "kan ikke lenkes"),
        ("(a + b", 6, "forventet «)»"),
        ("a b", 2, "slutten av uttrykket"),
        ("2026-02-30", 0, "finnes ikke i kalenderen"),
        ("1.005 kr", 0, "ikke et helt antall øre"),
        ("1234567890123456789", 0, "urimelig langt"),
        ("x i []", 5, "forventet en svar-id"),
        ("x i a", 4, "«[» med en liste"),
        ("12abc", 0, "verken et tall eller et navn"),
        ("terskel()", 8, "id-en til en terskelverdi"),
        ("kjent(1)", 6, "navnet på et faktum"),
        ("og", 0, "forventet en verdi"),
    ],
)
def test_syntax_errors_say_what_and_where(source: str, offset: int, message: str) -> None:
    error = parse_error(source)
    assert message in error.message
    assert error.offset == offset


def test_unknown_function_suggests_the_closest_one() -> None:
    error = parse_error("maksimum(a, b)")
    assert error.message.startswith("ukjent funksjon «maksimum» (mente du «maks»?)")
    assert error.offset == 0
    assert "(mente du «maks»?)" in parse_error("andel + max(a, b)").message
    assert parse_error("andel + max(a, b)").offset == 8
    assert "(mente du «rund»?)" in parse_error("runde(a)").message
    assert "mente du" not in parse_error("eval(a)").message


def test_threshold_ids_may_hold_hyphens_only_inside_terskel() -> None:
    assert parse("terskel(eos-helse-sosial)") == Threshold("eos-helse-sosial", 0, 8)
    assert parse('terskel("eos-helse-sosial")') == Threshold("eos-helse-sosial", 0, 8)
    assert parse("terskel( nedre-grense )") == Threshold("nedre-grense", 0, 9)
    outside = parse("eos-helse")  # a minus outside terskel()
    assert isinstance(outside, Arith) and outside.rest[0][0] == "-"
    assert run("terskel(eos-helse-sosial) - terskel(nasjonal)") == kr(6_500_000)


# --- every operator -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("andel = 20", True),
        ("andel == 20", True),
        ("andel != 20", False),
        ("andel ≠ 20", False),
        ("andel < 20", False),
        ("andel <= 20", True),
        ("andel ≤ 20", True),
        ("andel > 19.5", True),
        ("andel >= 21", False),
        ("andel ≥ 20", True),
        ("andel i [10, 20]", True),
        ("andel i [10, 30]", False),
        ("andel + 1", Decimal(21)),
        ("andel - 25", Decimal(-5)),
        ("andel − 25", Decimal(-5)),
        ("andel * 0.5", Decimal(10)),
        ("andel / 8", Decimal("2.5")),
        ("-andel", Decimal(-20)),
        ("min(andel, 3, 7)", Decimal(3)),
        ("maks(andel, 3, 7)", Decimal(20)),
        ("summer(andel, 3, 7)", Decimal(30)),
        ("rund(andel / 8)", Decimal(3)),
        ("kjent(andel)", True),
        ("kjent(navn)", False),
        ("frist < 2026-07-01", True),
        ("maks(frist, 2026-07-01)", dt.date(2026, 7, 1)),
        ("navn = navn", None),
    ],
)
def test_every_operator_and_function(source: str, expected: Value | None) -> None:
    assert run(source, andel=20, frist=dt.date(2026, 3, 1)) == expected


def test_choice_facts_compare_with_ids_bare_or_quoted() -> None:
    assert run("tjenestetype = helse_sosial", tjenestetype="helse_sosial") is True
    assert run('tjenestetype = "helse_sosial"', tjenestetype="helse_sosial") is True
    assert run("tjenestetype != helse_sosial", tjenestetype="annet") is True
    assert run("tjenestetype i [helse_sosial, saerlige]", tjenestetype="saerlige") is True
    assert run("tjenestetype i [helse_sosial, saerlige]", tjenestetype="annet") is False
    assert run("ideell = sann og navn = per", ideell="ja", navn="per") is True


# --- «vet ikke»: Kleene logic ---------------------------------------------------------------------------


def test_a_known_share_below_the_limit_decides_even_when_the_main_purpose_is_unknown() -> None:
    source = "andel >= 30 og hovedformaal = ja"
    assert run(source, andel=20) is False  # not None: 20 % fails the 30 % rule whatever the purpose
    assert run(source, andel=40) is None  # passes the share rule, the purpose decides: unknown
    assert run(source, andel=40, hovedformaal="ja") is True
    assert run(source, hovedformaal="nei") is False
    assert run(source) is None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("usann og ideell", False),
        ("ideell og usann", False),
        ("sann og ideell", None),
        ("sann eller ideell", True),
        ("ideell eller sann", True),
        ("usann eller ideell", None),
        ("ikke ideell", None),
        ("ikke kjent(ideell)", True),
        ("andel > 1", None),
        ("andel + 1", None),
        ("maks(andel, 1)", None),
        ("rund(andel)", None),
        ("-andel", None),
        ("andel i [1, 2]", None),
        ("tjenestetype = annet", None),
    ],
)
def test_unknown_facts_make_unknown_results_unless_something_known_decides(source: str, expected: bool | None) -> None:
    assert run(source) is expected


def test_og_and_eller_stop_at_the_deciding_item() -> None:
    # the second item would divide by zero; the first decides, so it is never evaluated
    assert run("usann og andel / 0 > 1", andel=1) is False
    assert run("sann eller andel / 0 > 1", andel=1) is True
    with pytest.raises(ExprError, match="deling på null") as info:
        run("sann og andel / 0 > 1", andel=1)
    assert info.value.offset == 14


def test_membership_with_an_unknown_item_in_the_list() -> None:
    # a fact in a list is written in parentheses; bare, it would be an answer id
    assert run("andel i [20, (antall_enheter)]", andel=20) is True
    assert run("andel i [21, (antall_enheter)]", andel=20) is None
    assert run("andel i [21, (antall_enheter)]", andel=20, antall_enheter=3) is False
    assert run("andel i [21, antall_enheter + 1]", andel=20, antall_enheter=19) is True


# --- money in øre ----------------------------------------------------------------------------------------


def test_amounts_are_whole_ore_and_a_fraction_of_an_ore_is_refused() -> None:
    assert kr("7799999.99") == Money(779_999_999)
    with pytest.raises(ValueError, match="ikke et helt antall øre"):
        Money.from_kroner(Decimal("7799999.995"))
    with pytest.raises(ValueError, match="ikke et helt antall øre"):
        env(kontraktsverdi=Decimal("7799999.995"))
    with pytest.raises(ValueError, match="skal være et beløp"):
        env(kontraktsverdi="mye")
    with pytest.raises(ValueError):
        Money.from_kroner(True)


def test_the_foa_5_4_estimate_is_exact() -> None:
    source = "enhetspris * antall_enheter * varighet_aar"
    value = run(source, enhetspris=Decimal(150_000), antall_enheter=12, varighet_aar=4)
    assert value == Money(720_000_000)
    assert format_value(value) == "7 200 000 kr"
    assert check(parse(source), FACTS, THRESHOLDS.keys()) == ("money", [])
    # many small amounts do not drift the way binary floats do
    assert run("enhetspris * 3", enhetspris=Decimal("0.10")) == Money(30)
    assert run("summer(0.10 kr, 0.20 kr)") == Money(30)


def test_the_thread_decimal_context_does_not_change_results() -> None:
    with decimal.localcontext() as ctx:
        ctx.prec = 3
        ctx.rounding = decimal.ROUND_DOWN
        assert run(
            "enhetspris * antall_enheter * varighet_aar",
            enhetspris=Decimal("150000.01"),
            antall_enheter=12,
            varighet_aar=4,
        ) == Money(720_000_048)
        assert run("0.03 kr / 2") == Money(2)


@pytest.mark.parametrize(
    ("source", "ore"),
    [
        ("1 kr / 3", 33),  # 33.33… øre
        ("2 kr / 3", 67),  # 66.66… øre
        ("0.01 kr / 2", 1),  # 0.5 øre: half up
        ("0.03 kr / 2", 2),  # 1.5 øre: half up, not to even
        ("0.05 kr * 0.5", 3),  # 2.5 øre
        ("-(0.01 kr / 2)", -1),  # -0.5 øre, then minus
        ("kontraktsverdi * 20 %", 160_000_000),
        ("rund(1_000_000.50 kr)", 100_000_100),  # whole kroner, half up
        ("rund(1_000_000.49 kr)", 100_000_000),
    ],
)
def test_amounts_are_rounded_half_up_to_whole_ore(source: str, ore: int) -> None:
    assert run(source, kontraktsverdi=Decimal(8_000_000)) == Money(ore)


def test_money_over_money_is_a_number() -> None:
    assert run("kontraktsverdi / terskel(nasjonal)", kontraktsverdi=Decimal(2_600_000)) == Decimal(2)
    assert check(parse("kontraktsverdi / terskel(nasjonal)"), FACTS, THRESHOLDS.keys())[0] == "number"


def test_thresholds_compare_with_amounts() -> None:
    source = "kontraktsverdi >= terskel(eos-helse-sosial) og tjenestetype = helse_sosial"
    assert run(source, kontraktsverdi=Decimal(7_800_000), tjenestetype="helse_sosial") is True
    assert run(source, kontraktsverdi=Decimal("7799999.99"), tjenestetype="helse_sosial") is False
    with pytest.raises(ExprError, match="ingen verdi på vurderingsdatoen"):
        evaluate(parse("terskel(nasjonal) > 1 kr"), Env({}, {}))


# --- type errors and unknown names (found by check, before any walk) ------------------------------------


@pytest.mark.parametrize(
    ("source", "message", "offset"),
    [
        ("kontraktsverdi + sann", "kan ikke legge sammen et beløp og en sannhetsverdi", 15),
        ("kontraktsverdi - andel", "kan ikke trekke et tall fra et beløp; skriv beløp med kr", 15),
        ("kontraktsverdi * enhetspris", "kan ikke gange et beløp med et beløp", 15),
        ("andel / kontraktsverdi", "kan ikke dele et tall på et beløp", 6),
        ("kontraktsverdi > 1300000", "sammenligne et beløp med et tall; skriv beløpet med kr: «1300000 kr»", 15),
        ("kontraktsverdi + 5", "kan ikke legge sammen et beløp og et tall; skriv beløpet med kr: «5 kr»", 15),
        ("helse_sosial = tjenestetype", "svar-id-en står til høyre: skriv «tjenestetype = helse_sosial»", 0),
        ("frist > 5", "kan ikke sammenligne en dato med et tall", 6),
        ("navn < navn", "«<» sammenligner beløp, tall og datoer, ikke en tekst", 5),
        ("andel og sann", "«og» trenger en sannhetsverdi", 0),
        ("sann eller 1 kr", "«eller» trenger en sannhetsverdi", 11),
        ("ikke andel", "«ikke» trenger en sannhetsverdi", 5),
        ("-ideell", "kan ikke sette minus foran en sannhetsverdi", 0),
        ("kontraktsverdi2 > 1 kr", "ukjent faktum «kontraktsverdi2» (mente du «kontraktsverdi»?)", 0),
        ("terskel(eos-helse) > 1 kr", "ukjent terskelverdi «eos-helse» (mente du «eos-helse-sosial»?)", 8),
        ("tjenestetype = helse", "«helse» er ikke et svar på «tjenestetype»", 15),
        ("tjenestetype = helse_sosal", "(mente du «helse_sosial»?); svarene er helse_sosial, saerlige", 15),
        ('tjenestetype = "helse"', "«helse» er ikke et svar på «tjenestetype»", 15),
        ("tjenestetype i [saerlige, helse]", "«helse» er ikke et svar på «tjenestetype»", 26),
        ("andel = antall_enheter", "leses «antall_enheter» som en svar-id", 8),
        ("ideell = ja", "sammenlignes med sann eller usann", 9),
        ("andel = ja", "kan ikke sammenligne et tall med svar-id-en «ja»", 8),
        ("andel >= 30 %", "«%» hører til i utregninger", 9),
        ("min(andel)", "min() trenger minst to argumenter, fikk 1", 0),
        ("rund(andel, 2)", "rund() tar ett argument, fikk 2", 0),
        ("maks(andel, kontraktsverdi)", "maks() kan ikke blande et tall og et beløp", 12),
        ("summer(ideell, sann)", "summer() regner med beløp eller tall, ikke en sannhetsverdi", 7),
        ("kjent(ukjent_ting)", "ukjent faktum «ukjent_ting»", 6),
        ("andel i [1, 2 kr]", "kan ikke sammenligne et tall med et beløp", 12),
    ],
)
def test_check_finds_type_errors_and_unknown_names_with_offsets(source: str, message: str, offset: int) -> None:
    found = problems(source)
    assert len(found) == 1, found
    assert message in found[0][0]
    assert found[0][1] == offset


def test_check_reports_every_problem_in_source_order_without_cascades() -> None:
    found = problems("(ukjent1 + 1) > 2 og tjenestetype = feil og ukjent2")
    assert [offset for _, offset in found] == [1, 36, 44]
    assert all("ukjent faktum" in m or "ikke et svar" in m for m, _ in found)


def test_check_can_require_a_condition() -> None:
    kind, errors = check(parse("kontraktsverdi * 2"), FACTS, THRESHOLDS.keys(), expect="bool")
    assert kind == "money"
    assert [e.message for e in errors] == ["uttrykket skal gi en sannhetsverdi, men gir et beløp"]
    assert check(parse("andel > 2"), FACTS, THRESHOLDS.keys(), expect="bool") == ("bool", [])


def test_evaluating_an_unchecked_expression_still_raises_only_expr_errors() -> None:
    with pytest.raises(ExprError, match="kan ikke legge sammen"):
        evaluate(parse("1 kr + sann"), env())
    with pytest.raises(ExprError, match="forventet en sannhetsverdi"):
        evaluate(parse("andel og sann"), env(andel=1))


# --- templates ------------------------------------------------------------------------------------------


def test_templates_render_amounts_dates_and_numbers_in_norwegian() -> None:
    template = parse_template(
        "Verdien er {kontraktsverdi} og terskelen er {terskel(nasjonal)}; frist {frist}; "
        "{andel} % av {antall_enheter}, {ideell}."
    )
    assert check_template(template, FACTS, THRESHOLDS.keys()) == []
    text = render(template, env(kontraktsverdi=Decimal("1234.5"), frist=dt.date(2026, 7, 1), andel=Decimal("0.25")))
    assert text == (
        "Verdien er 1 234,50 kr og terskelen er 1 300 000 kr; frist 1. juli 2026; 0,25 % av vet ikke, vet ikke."
    )
    assert render(parse_template("{ideell}/{usann}"), env(ideell=True)) == "ja/nei"
    assert render(parse_template("{andel}"), env(andel=1234567), unknown="?") == "1 234 567"
    assert render(parse_template("{andel}"), env(), unknown="(ikke svart)") == "(ikke svart)"
    custom = render(parse_template("{2 kr}"), env(), format_money=lambda m: f"NOK {m.ore / 100:.2f}")
    assert custom == "NOK 2.00"


def test_template_braces_escape_and_quotes_may_hold_braces() -> None:
    template = parse_template('{{bokstavelig}} {navn = "a}b"} }}{{')
    assert template.parts[0] == "{bokstavelig} "
    assert template.parts[2] == " }{"
    assert render(template, env(navn="a}b")) == "{bokstavelig} ja }{"
    assert parse_template("ingen uttrykk") == Template("ingen uttrykk", ("ingen uttrykk",))


@pytest.mark.parametrize(
    ("source", "offset", "message"),
    [
        ("Verdien er {kontraktsverdi", 11, "«{» er ikke lukket"),
        ("a } b", 2, "«}» uten «{»"),
        ("a {} b", 2, "tom {}"),
        ("a {b {c}}", 5, "«{» inne i {…}"),
        ("x {1 +} y", 6, "slutter for tidlig"),
        ('x {"a} y', 3, "ikke lukket"),
    ],
)
def test_template_errors_point_into_the_template(source: str, offset: int, message: str) -> None:
    with pytest.raises(ExprError) as info:
        parse_template(source)
    assert message in info.value.message
    assert info.value.offset == offset


def test_template_check_offsets_are_into_the_template() -> None:
    source = "Verdien er {kontraktsverdi2}."
    errors = check_template(parse_template(source), FACTS, THRESHOLDS.keys())
    assert [(e.offset, "mente du «kontraktsverdi»" in e.message) for e in errors] == [(12, True)]
    assert caret(source, errors[0].offset).splitlines()[1] == " " * 12 + "^"


def test_too_many_placeholders_are_refused() -> None:
    parse_template("{andel}" * MAX_PLACEHOLDERS)
    with pytest.raises(ExprError, match="for mange"):
        parse_template("{andel}" * (MAX_PLACEHOLDERS + 1))


# --- limits: nothing hostile hangs or crashes ------------------------------------------------------------


def test_deep_nesting_is_an_expr_error_not_a_recursion_error() -> None:
    assert run("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH) == 1
    error = parse_error("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))
    assert "nøstet for dypt" in error.message and error.offset == MAX_DEPTH
    for prefix in ("-", "ikke ", "maks(1, "):
        with pytest.raises(ExprError, match="nøstet for dypt"):
            parse(prefix * (MAX_DEPTH + 1) + "1")
    huge = "(" * 100_000 + "1" + ")" * 100_000
    with pytest.raises(ExprError, match="for langt"):
        parse(huge)


def test_long_chains_are_flat_and_cheap() -> None:
    with pytest.raises(ExprError, match="for langt"):
        parse("+".join(["andel"] * 100_000))
    terms = (MAX_LENGTH + 1) // 2
    chain = "+".join(["1"] * terms)
    assert len(chain) <= MAX_LENGTH
    assert run(chain) == terms  # well past the interpreter's recursion limit of 1000
    conditions = " og ".join(["sann"] * ((MAX_LENGTH - 4) // 8))
    assert run(conditions) is True


def test_huge_results_are_an_error_not_a_hang() -> None:
    source = "*".join(["999_999_999_999_999_999 kr"] + ["999_999_999_999_999_999"] * 3)
    with pytest.raises(ExprError, match="urimelig stort"):
        run(source)


@settings(deadline=None, max_examples=300)
@given(st.text(max_size=80))
def test_parse_returns_an_expression_or_raises_expr_error(text: str) -> None:
    try:
        expr = parse(text)
    except ExprError as error:
        assert 0 <= error.offset <= len(text)
        assert error.message
        return
    assert expr is not None


_PIECES = st.sampled_from(
    ["andel", "kontraktsverdi", "tjenestetype", "ideell", "frist", "1", "0.5", "2 kr", "20 %", "2026-01-01", "sann",
     "+", "-", "*", "/", "=", "<", ">=", "og", "eller", "ikke", "i", "[", "]", "(", ")", ",", "maks(", "rund(",
     "terskel(nasjonal)", "kjent(andel)", "helse_sosial", '"x"', " "]
)  # fmt: skip


@settings(deadline=None, max_examples=300)
@given(st.lists(_PIECES, max_size=14), st.booleans())
def test_check_and_evaluate_never_raise_anything_but_expr_errors(pieces: list[str], answered: bool) -> None:
    source = " ".join(pieces)
    try:
        expr: Expr = parse(source)
    except ExprError:
        return
    check(expr, FACTS, THRESHOLDS.keys())
    answers: dict[str, object] = (
        {"andel": 0, "kontraktsverdi": 1, "tjenestetype": "annet", "ideell": False, "frist": dt.date(2026, 1, 2)}
        if answered
        else {}
    )
    try:
        value = evaluate(expr, env(**answers))
    except ExprError:
        return
    format_value(value)


def test_a_bad_type_is_refused_not_crashed() -> None:
    with pytest.raises(ExprError):
        parse(None)  # type: ignore[arg-type]
    with pytest.raises(ExprError):
        parse("a\x00b")


# --- the caret helper ----------------------------------------------------------------------------------


def test_caret_points_under_the_offset_on_its_own_line() -> None:
    assert caret("kontraktsverdi2 > 1 kr", 0) == "kontraktsverdi2 > 1 kr\n^"
    assert caret("a + sann", 4) == "a + sann\n    ^"
    assert caret("første linje\n\tandre + x", 20) == "\tandre + x\n\t      ^"
    assert caret("abc", 99) == "abc\n   ^"  # past the end: after the last character
    error = ExprError("uventet", 2)
    assert error.show("a b") == "uventet\na b\n  ^"
    assert str(error) == "uventet" and error.offset == 2


# --- the documentation for tree authors -------------------------------------------------------------------

DOC = Path(__file__).parent.parent / "docs" / "uttrykk.md"
DOC_FACTS = {
    **FACTS,
    "enheter": FactType("number"),
    "aar": FactType("number"),
    "tilbud_a": FactType("money"),
    "tilbud_b": FactType("money"),
    "andel_vanskeligstilte": FactType("number"),
}


def test_the_examples_in_the_documentation_parse_and_check() -> None:
    examples = re.findall(r'^(when|compute|text): "(.*)"$', DOC.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(examples) >= 6
    for field, source in examples:
        if field == "text":
            assert check_template(parse_template(source), DOC_FACTS, THRESHOLDS.keys()) == [], source
        else:
            expect: Kind = "bool" if field == "when" else "money"
            assert check(parse(source), DOC_FACTS, THRESHOLDS.keys(), expect=expect) == (expect, []), source
