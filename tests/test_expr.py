"""The condition language: parsing, three-valued logic, exact arithmetic, errors."""

from __future__ import annotations

from fractions import Fraction

import pytest

from generator.scoring.expr import UNDEFINED, UNKNOWN, ExprError, check_types, evaluate, parse

TYPES = {"a": "number", "b": "number", "yes": "bool", "no": "bool", "kind": "str"}


def value(source: str, **answers):
    return evaluate(parse(source), answers)


@pytest.mark.parametrize(
    "source, answers, expected",
    [
        ("a >= 5", {"a": 5}, True),
        ("a >= 5", {"a": 4}, False),
        ("a > 20", {"a": 20}, False),
        ("a > 20", {"a": 21}, True),
        ("a + b * 2 == 7", {"a": 1, "b": 3}, True),
        ("(a + b) * 2 == 8", {"a": 1, "b": 3}, True),
        ("-a < 0", {"a": 1}, True),
        ("not yes or no", {"yes": True, "no": True}, True),  # not binds tighter than or
        ("yes and no or yes", {"yes": True, "no": False}, True),  # and binds tighter than or
        ("a / b >= 0.9", {"a": 27, "b": 30}, True),  # exactly 0.9, no float drift
        ("a / b >= 0.9", {"a": 26, "b": 29}, False),
        ("a / b >= 0.3", {"a": 3, "b": 10}, True),
        ("a + b == 0.3", {"a": 0.1, "b": 0.2}, True),
        ("kind == 'saas'", {"kind": "saas"}, True),
        ("count(yes, no, yes) == 2", {"yes": True, "no": False}, True),
    ],
)
def test_evaluation(source, answers, expected):
    assert value(source, **answers) is expected


@pytest.mark.parametrize(
    "source, answers, expected",
    [
        ("yes and no", {"no": False}, False),  # false and unknown
        ("yes and no", {"no": True}, UNKNOWN),
        ("yes or no", {"no": True}, True),  # unknown or true
        ("yes or no", {"no": False}, UNKNOWN),
        ("not yes", {}, UNKNOWN),
        ("a >= 5", {}, UNKNOWN),
        ("a / b >= 0.9", {"a": 1}, UNKNOWN),
        ("count(yes, no) >= 1", {"yes": True}, UNKNOWN),
        ("b > 1 and a >= 5", {"b": 0}, False),
    ],
)
def test_three_valued_logic(source, answers, expected):
    assert value(source, **answers) is expected


def test_division_by_zero_is_undefined_and_meets_no_threshold():
    assert value("a / b", a=3, b=0) is UNDEFINED
    assert value("a / b >= 0.5", a=3, b=0) is False
    assert value("a / b < 0.5", a=3, b=0) is False
    assert value("not (a / b >= 0.5)", a=3, b=0) is True


def test_decimals_are_exact_fractions():
    assert parse("0.9").value == Fraction(9, 10)
    assert value("a / b", a=19, b=21) == Fraction(19, 21)


@pytest.mark.parametrize(
    "source, message, pos, hint",
    [
        ("", "the condition is empty", 0, ""),
        ("a = 5", "unexpected character '='", 2, "use '==' to compare"),
        ("a >= 5 && b", "unexpected character '&'", 7, "use 'and', 'or', 'not'"),
        ("1 < a < 3", "unexpected '<'", 6, "comparisons do not chain: write 'a < b and b < c'"),
        ("a >= ", "expected a value but found 'the end of the condition'", 5, ""),
        ("(a >= 5", "expected ')' but found 'the end of the condition'", 7, ""),
        ("a >= 5 True", "unknown word 'True'", 7, "write it in lower case: 'true'"),
        ("max(a, b) > 1", "unknown function 'max'", 0, "known functions: checklist, count, met, stage"),
    ],
)
def test_syntax_errors_point_at_the_problem(source, message, pos, hint):
    with pytest.raises(ExprError) as err:
        parse(source)
    assert (err.value.message, err.value.pos, err.value.hint) == (message, pos, hint)


@pytest.mark.parametrize(
    "source, message, pos, hint",
    [
        ("paying >= 5", "unknown answer id 'paying'", 0, ""),
        ("aa >= 5", "unknown answer id 'aa'", 0, "did you mean 'a'?"),
        ("yes >= 5", "'>=' compares numbers, not a yes/no condition", 0, ""),
        ("a == yes", "cannot compare a number with a yes/no condition", 0, ""),
        ("a + 1", "this is a number, but a yes/no condition is needed here", 0, ""),
        ("yes and a", "this is a number, but a yes/no condition is needed here", 8, ""),
        ("met('m1')", "met() cannot be used here", 0, "conditions here may only read answers"),
    ],
)
def test_type_errors(source, message, pos, hint):
    with pytest.raises(ExprError) as err:
        check_types(parse(source), TYPES)
    assert (err.value.message, err.value.pos, err.value.hint) == (message, pos, hint)


def test_references_are_checked_against_known_ids():
    refs = {"milestone": ["m1", "m2"], "framework": {"plates": ["stage-1", "stage-2"]}, "checklist": ["repeat"]}
    assert check_types(parse("met('m1') and stage('plates') == 'stage-2' and checklist('repeat') < 4"), TYPES, refs=refs) == "bool"
    for source, message, hint in [
        ("met('m11')", "unknown milestone 'm11'", "did you mean 'm1'?"),
        ("stage('plate') == 'stage-1'", "unknown framework 'plate'", "did you mean 'plates'?"),
        ("stage('plates') == 'stage-3'", "'plates' has no stage 'stage-3'", "did you mean 'stage-2'?"),
        ("met(m1)", "met() takes one quoted milestone id, e.g. met('m1')", ""),
    ]:
        with pytest.raises(ExprError) as err:
            check_types(parse(source), TYPES, refs=refs)
        assert (err.value.message, err.value.hint) == (message, hint)


def test_derived_values_feed_references():
    node = parse("met('m1') and stage('plates') == 'stage-1'")
    assert evaluate(node, {}, {("met", "m1"): True, ("stage", "plates"): "stage-1"}) is True
    assert evaluate(node, {}, {("met", "m1"): True}) is UNKNOWN
    assert evaluate(node, {}, {("met", "m1"): False}) is False
