"""The condition language: parsing and precedence, three-valued logic, exact arithmetic, errors."""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import pytest

from generator.scoring.expr import UNDEFINED, UNKNOWN, ExprError, Node, check_types, evaluate, names, parse

TYPES = {"a": "number", "b": "number", "c": "number", "yes": "bool", "no": "bool", "kind": "str",
         "paying_customers": "number", "hell_yes_customers": "number"}


def value(source: str, **answers):
    return evaluate(parse(source), answers)


def shape(node: Node) -> str:
    """The tree with every operation in parentheses: shows how the parser grouped the source."""
    if node.kind in ("num", "bool", "name"):
        return str(node.value).lower() if node.kind == "bool" else str(node.value)
    if node.kind == "str":
        return repr(node.value)
    if node.kind == "neg":
        return f"(-{shape(node.args[0])})"
    if node.kind == "not":
        return f"(not {shape(node.args[0])})"
    if node.kind == "call":
        return f"{node.value}({', '.join(shape(a) for a in node.args)})"
    op = node.value if node.kind in ("arith", "cmp") else node.kind
    return "(" + f" {op} ".join(shape(a) for a in node.args) + ")"


# --- parsing and precedence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, grouped",
    [
        ("a >= 5", "(a >= 5)"),
        ("yes or no and yes", "(yes or (no and yes))"),  # and binds tighter than or
        ("yes and no or yes", "((yes and no) or yes)"),
        ("not yes or no", "((not yes) or no)"),  # not binds tighter than or
        ("not yes and no", "((not yes) and no)"),  # ... and than and
        ("not a >= 5", "(not (a >= 5))"),  # comparison binds tighter than not
        ("not not yes", "(not (not yes))"),
        ("yes and no and yes", "(yes and no and yes)"),  # one flat node, evaluated left to right
        ("a or b >= 1 and c", "(a or ((b >= 1) and c))"),
        ("a + b * c", "(a + (b * c))"),  # * before +
        ("a * b + c", "((a * b) + c)"),
        ("(a + b) * c", "((a + b) * c)"),  # parentheses win
        ("a - b - c", "((a - b) - c)"),  # left associative
        ("a / b / c", "((a / b) / c)"),
        ("-a * b", "((-a) * b)"),  # unary minus binds tightest
        ("a - -b", "(a - (-b))"),
        ("a + b >= c * 2", "((a + b) >= (c * 2))"),  # arithmetic before comparison
        ("hell_yes_customers / paying_customers >= 0.9", "((hell_yes_customers / paying_customers) >= 9/10)"),
        ("kind == 'saas'", "(kind == 'saas')"),
        ("count(yes, not no) >= 1", "(count(yes, (not no)) >= 1)"),
        ("(yes or no) and yes", "((yes or no) and yes)"),
        ("true and false", "(true and false)"),
    ],
)
def test_precedence(source, grouped):
    assert shape(parse(source)) == grouped


def test_nodes_know_where_they_are_in_the_source():
    node = parse("paying_customers >= 5 and hell_yes_customers >= 1")
    assert (node.kind, node.pos, node.end) == ("and", 0, 49)
    assert [(n.value, n.pos, n.end) for n in names(node)] == [("paying_customers", 0, 16), ("hell_yes_customers", 26, 44)]
    assert parse("(a >= 5)")[3:] == (0, 8)  # a parenthesised group spans its parentheses


@pytest.mark.parametrize(
    "source, literal",
    [("0.9", Fraction(9, 10)), ("0.30", Fraction(3, 10)), (".5", Fraction(1, 2)), ("5", 5), ("1000000", 1000000)],
)
def test_number_literals_are_exact(source, literal):
    node = parse(source)
    assert node.value == literal and type(node.value) is type(literal)


# --- evaluation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, answers, expected",
    [
        ("a >= 5", {"a": 5}, True),
        ("a >= 5", {"a": 4}, False),
        ("a >= 5", {"a": 4.5}, False),
        ("a >= 5", {"a": 4.999}, False),
        ("a > 20", {"a": 20}, False),
        ("a > 20", {"a": 21}, True),
        ("a != 3", {"a": 3}, False),
        ("a + b * 2 == 7", {"a": 1, "b": 3}, True),
        ("(a + b) * 2 == 8", {"a": 1, "b": 3}, True),
        ("2 * 3 + 4 == 10", {}, True),
        ("a - b - 1 == 2", {"a": 5, "b": 2}, True),
        ("a / b / 2 == 2", {"a": 8, "b": 2}, True),
        ("-a * b == -6", {"a": 2, "b": 3}, True),
        ("-a < 0", {"a": 1}, True),
        ("not yes or no", {"yes": True, "no": True}, True),
        ("not (yes or no)", {"yes": True, "no": True}, False),
        ("yes and no or yes", {"yes": True, "no": False}, True),
        ("false and no or yes", {"yes": True}, True),
        ("not a >= 5", {"a": 4}, True),
        ("not not yes", {"yes": True}, True),
        ("kind == 'saas'", {"kind": "saas"}, True),
        ('kind == "saas"', {"kind": "services"}, False),
        ("count(yes, no, yes) == 2", {"yes": True, "no": False}, True),
        ("count(a >= 1, b >= 1, not no) == 3", {"a": 1, "b": 2, "no": False}, True),
    ],
)
def test_evaluation(source, answers, expected):
    assert value(source, **answers) is expected


# Three-valued logic: a missing answer is UNKNOWN. T = true, F = false, U = unknown (the answer is left out).
T, F, U = True, False, UNKNOWN


def given(**answers):
    """The answers that are known: an UNKNOWN one is left out, as a founder would leave it blank."""
    return {k: v for k, v in answers.items() if v is not UNKNOWN}


AND = {(T, T): T, (T, F): F, (T, U): U, (F, T): F, (F, F): F, (F, U): F, (U, T): U, (U, F): F, (U, U): U}
OR = {(T, T): T, (T, F): T, (T, U): T, (F, T): T, (F, F): F, (F, U): U, (U, T): T, (U, F): U, (U, U): U}


@pytest.mark.parametrize("left, right", list(product((T, F, U), repeat=2)), ids=lambda v: repr(v).lower())
def test_and_truth_table(left, right):
    assert evaluate(parse("yes and no"), given(yes=left, no=right)) is AND[left, right]


@pytest.mark.parametrize("left, right", list(product((T, F, U), repeat=2)), ids=lambda v: repr(v).lower())
def test_or_truth_table(left, right):
    assert evaluate(parse("yes or no"), given(yes=left, no=right)) is OR[left, right]


@pytest.mark.parametrize("operand, expected", [(T, F), (F, T), (U, U)], ids=["true", "false", "unknown"])
def test_not_truth_table(operand, expected):
    assert evaluate(parse("not yes"), given(yes=operand)) is expected


@pytest.mark.parametrize(
    "source, answers, expected",
    [
        ("a >= 5", {}, UNKNOWN),
        ("a + 1 >= 5", {}, UNKNOWN),  # anything computed from a missing answer
        ("a / b >= 0.9", {"a": 1}, UNKNOWN),
        ("b > 1 and a >= 5", {"b": 0}, False),  # false and unknown = false, whichever side
        ("a >= 5 and b > 1", {"b": 0}, False),
        ("b > 1 or a >= 5", {"b": 2}, True),  # true or unknown = true
        ("a >= 5 or b > 1", {"b": 2}, True),
        ("a >= 5 or b > 1", {"b": 0}, UNKNOWN),
        ("yes and no and a > 1", {"yes": True, "no": True}, UNKNOWN),
        ("yes and no and a > 1", {"yes": True, "no": False}, False),
        ("not (a >= 5 and yes)", {"yes": False}, True),
        ("count(yes, no) >= 1", {"yes": True}, UNKNOWN),  # count waits for every answer
        ("count(yes, no) >= 1", {"yes": True, "no": False}, True),
        ("kind == 'saas'", {}, UNKNOWN),
    ],
)
def test_three_valued_logic(source, answers, expected):
    assert value(source, **answers) is expected


def test_unknown_has_no_truth_value():
    """A forgotten 'is UNKNOWN' check fails loudly instead of treating unknown as false."""
    with pytest.raises(TypeError, match="UNKNOWN has no truth value"):
        bool(UNKNOWN)


@pytest.mark.parametrize(
    "source, answers, expected",
    [
        ("a / b", {"a": 3, "b": 0}, UNDEFINED),
        ("a / b + 1", {"a": 3, "b": 0}, UNDEFINED),  # stays undefined through arithmetic
        ("a / b >= 0.5", {"a": 3, "b": 0}, False),  # no threshold is met by a ratio that does not exist
        ("a / b < 0.5", {"a": 3, "b": 0}, False),
        ("a / b == 0", {"a": 0, "b": 0}, False),
        ("a / b != 0.5", {"a": 3, "b": 0}, False),
        ("a / b == a / b", {"a": 3, "b": 0}, False),
        ("not (a / b >= 0.5)", {"a": 3, "b": 0}, True),
        ("b > 0 and a / b >= 0.5", {"a": 3, "b": 0}, False),
        ("a / b >= 0.5", {"b": 0}, UNKNOWN),  # a missing answer is still unknown
        ("a / (b - b) > 1", {"a": 1, "b": 7}, False),
    ],
)
def test_division_by_zero_is_not_an_error(source, answers, expected):
    assert value(source, **answers) is expected


@pytest.mark.parametrize(
    "source, answers, expected",
    [
        ("a / b >= 0.9", {"a": 27, "b": 30}, True),  # exactly 0.9; 27/30 in floats is 0.9000000000000000222...
        ("a / b >= 0.9", {"a": 26, "b": 29}, False),
        ("a / b >= 0.9", {"a": 18, "b": 21}, False),
        ("a / b >= 0.9", {"a": 19, "b": 21}, True),
        ("a / b >= 0.3", {"a": 12, "b": 40}, True),
        ("a / b >= 0.3", {"a": 3, "b": 10}, True),
        ("a / b >= 0.3", {"a": 9, "b": 31}, False),
        ("a + b == 0.3", {"a": 0.1, "b": 0.2}, True),
        ("0.1 + 0.2 == 0.3", {}, True),
        ("a * 3 == 0.3", {"a": 0.1}, True),
        ("1 / 3 + 1 / 3 + 1 / 3 == 1", {}, True),
        ("a >= 0.9", {"a": 0.9}, True),
        ("a - 0.7 == 0.2", {"a": 0.9}, True),
    ],
)
def test_arithmetic_is_exact(source, answers, expected):
    assert value(source, **answers) is expected


def test_results_are_fractions_not_floats():
    assert value("a / b", a=19, b=21) == Fraction(19, 21)
    assert value("a + b", a=0.1, b=0.2) == Fraction(3, 10)
    assert value("a / b", a=1, b=3) == Fraction(1, 3)


# --- errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, message, pos, hint",
    [
        ("", "the condition is empty", 0, ""),
        ("   ", "the condition is empty", 0, ""),
        ("a = 5", "unexpected character '='", 2, "use '==' to compare"),
        ("a >= 5 && b", "unexpected character '&'", 7, "use 'and', 'or', 'not'"),
        ("a || b", "unexpected character '|'", 2, "use 'and', 'or', 'not'"),
        ("!a", "unexpected character '!'", 0, "use 'and', 'or', 'not'"),
        ("1 < a < 3", "unexpected '<'", 6, "comparisons do not chain: write 'a < b and b < c'"),
        ("a == b == c", "unexpected '=='", 7, "comparisons do not chain: write 'a < b and b < c'"),
        ("a >= ", "expected a value but found 'the end of the condition'", 5, ""),
        ("a >= 5 and", "expected a value but found 'the end of the condition'", 10, ""),
        ("and a", "expected a value but found 'and'", 0, ""),
        ("not", "expected a value but found 'the end of the condition'", 3, ""),
        ("(a >= 5", "expected ')' but found 'the end of the condition'", 7, ""),
        ("a >= 5)", "unexpected ')'", 6, ""),
        ("a >= 5 5", "unexpected '5'", 7, ""),
        ("a >= 5.", "unexpected character '.'", 6, ""),
        ("a @ b", "unexpected character '@'", 2, ""),
        ("a >= 5 True", "unknown word 'True'", 7, "write it in lower case: 'true'"),
        ("a >= 5 AND b", "unknown word 'AND'", 7, "write it in lower case: 'and'"),
        ("max(a, b) > 1", "unknown function 'max'", 0, "known functions: checklist, count, met, stage"),
        ("a > 1 and foo(b)", "unknown function 'foo'", 10, "known functions: checklist, count, met, stage"),
        ("count()", "expected a value but found ')'", 6, ""),
    ],
)
def test_syntax_errors_point_at_the_problem(source, message, pos, hint):
    with pytest.raises(ExprError) as err:
        parse(source)
    assert (err.value.message, err.value.pos, err.value.hint) == (message, pos, hint)


def test_a_condition_must_be_text():
    with pytest.raises(ExprError) as err:
        parse(5)
    assert (err.value.message, err.value.pos) == ("a condition must be text", 0)


@pytest.mark.parametrize(
    "source, message, pos, hint",
    [
        ("paying_custmers >= 5", "unknown answer id 'paying_custmers'", 0, "did you mean 'paying_customers'?"),
        ("a >= 5 and hell_yes >= 1", "unknown answer id 'hell_yes'", 11, "did you mean 'hell_yes_customers'?"),
        ("zzz >= 5", "unknown answer id 'zzz'", 0, ""),
        ("yes >= 5", "'>=' compares numbers, not a yes/no condition", 0, ""),
        ("a < no", "'<' compares numbers, not a yes/no condition", 4, ""),
        ("kind > 1", "'>' compares numbers, not a text value", 0, ""),
        ("a == yes", "cannot compare a number with a yes/no condition", 0, ""),
        ("yes == a", "cannot compare a yes/no condition with a number", 0, ""),
        ("kind == 1", "cannot compare a text value with a number", 0, ""),
        ("a + 1", "this is a number, but a yes/no condition is needed here", 0, ""),
        ("a", "this is a number, but a yes/no condition is needed here", 0, ""),
        ("yes and a", "this is a number, but a yes/no condition is needed here", 8, ""),
        ("not a", "this is a number, but a yes/no condition is needed here", 4, ""),
        ("count(a) > 1", "this is a number, but a yes/no condition is needed here", 6, ""),
        ("count(yes, no)", "this is a number, but a yes/no condition is needed here", 0, ""),
        ("a + yes > 1", "this is a yes/no condition, but a number is needed here", 4, ""),
        ("-yes < 0", "this is a yes/no condition, but a number is needed here", 1, ""),
        ("met('m1')", "met() cannot be used here", 0, "conditions here may only read answers"),
    ],
)
def test_type_errors(source, message, pos, hint):
    with pytest.raises(ExprError) as err:
        check_types(parse(source), TYPES)
    assert (err.value.message, err.value.pos, err.value.hint) == (message, pos, hint)


@pytest.mark.parametrize(
    "source, want, got",
    [("yes and a >= 1", "bool", "bool"), ("a / b", "number", "number"), ("kind", "str", "str"), ("count(yes, no)", "number", "number")],
)
def test_check_types_returns_the_type(source, want, got):
    assert check_types(parse(source), TYPES, want=want) == got


REFS = {"milestone": ["m1", "m2"], "framework": {"plates": ["stage-1", "stage-2"]}, "checklist": ["repeat"]}


def test_references_to_known_ids_type_check():
    source = "met('m1') and stage('plates') == 'stage-2' and checklist('repeat') < 4"
    assert check_types(parse(source), TYPES, refs=REFS) == "bool"


@pytest.mark.parametrize(
    "source, message, hint",
    [
        ("met('m11')", "unknown milestone 'm11'", "did you mean 'm1'?"),
        ("stage('plate') == 'stage-1'", "unknown framework 'plate'", "did you mean 'plates'?"),
        ("stage('plates') == 'stage-3'", "'plates' has no stage 'stage-3'", "did you mean 'stage-2'?"),
        ("stage('plates') == 'zzz'", "'plates' has no stage 'zzz'", "its stages: stage-1, stage-2"),
        ("checklist('repeat') > 'x'", "'>' compares numbers, not a text value", ""),
        ("met(m1)", "met() takes one quoted milestone id, e.g. met('m1')", ""),
        ("met('m1', 'm2')", "met() takes one quoted milestone id, e.g. met('m1')", ""),
    ],
)
def test_reference_errors(source, message, hint):
    with pytest.raises(ExprError) as err:
        check_types(parse(source), TYPES, refs=REFS)
    assert (err.value.message, err.value.hint) == (message, hint)


def test_derived_values_feed_references():
    node = parse("met('m1') and stage('plates') == 'stage-1'")
    assert evaluate(node, {}, {("met", "m1"): True, ("stage", "plates"): "stage-1"}) is True
    assert evaluate(node, {}, {("met", "m1"): True}) is UNKNOWN
    assert evaluate(node, {}, {("met", "m1"): False}) is False
