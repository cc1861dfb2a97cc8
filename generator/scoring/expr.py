"""The condition language: a small, safe expression language over answers.

    paying_customers >= 5 and hell_yes_customers >= 1
    hell_yes_customers / paying_customers >= 0.9
    not product_market_fit and products_count >= 2
    count(knows_target_customers, knows_buyers_and_budget) < 2

Grammar (lowest precedence first; comparisons do not chain):

    expr   := and ('or' and)*
    and    := not ('and' not)*
    not    := 'not' not | cmp
    cmp    := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?
    sum    := term (('+' | '-') term)*
    term   := unary (('*' | '/') unary)*
    unary  := '-' unary | atom
    atom   := NUMBER | STRING | 'true' | 'false' | NAME | NAME '(' args ')' | '(' expr ')'

Evaluation uses three-valued logic. A missing answer is UNKNOWN, and so is
anything computed from it, except where the result is already decided
(``false and x`` is false, ``true or x`` is true). Division by zero gives
UNDEFINED: no threshold is met by a ratio that does not exist, so every
comparison with UNDEFINED is false.

Arithmetic is exact: decimal literals and answers are read as fractions, so
``27 / 30 >= 0.9`` holds, as a reader expects, whatever binary floating point
would say.

Nothing here runs Python code from the expression: the parser builds a tree of
``Node`` tuples and the evaluator walks it. Whatever the text, parsing raises
only ExprError, and the work it allows is bounded: a condition is at most
MAX_LENGTH characters and MAX_TOKENS tokens, nests at most MAX_NESTING levels
of brackets, calls, 'not' and '-', and its numbers have at most MAX_NUMBER
characters. Only ASCII digits and spaces count as such.
"""

from __future__ import annotations

import functools
import operator
import re
from fractions import Fraction
from typing import Any, NamedTuple

__all__ = [
    "ExprError", "Node", "UNKNOWN", "UNDEFINED", "parse", "names", "references", "check_types", "evaluate",
]


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __bool__(self) -> bool:
        raise TypeError(f"{self.name} has no truth value; compare it with 'is'")


UNKNOWN = _Marker("UNKNOWN")
UNDEFINED = _Marker("UNDEFINED")


class ExprError(Exception):
    """A syntax or type error, at a 0-based character offset in the source."""

    def __init__(self, message: str, pos: int, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.hint = hint


class Node(NamedTuple):
    """One node of a parsed expression.

    kind is one of: num, str, bool, name, call, neg, arith, cmp, not, and, or.
    value holds the literal, the name, the function or the operator.
    """

    kind: str
    value: Any
    args: tuple
    pos: int
    end: int


MAX_LENGTH = 2000  # characters; the longest condition in the rules has about 200
MAX_TOKENS = 300  # also bounds the tree's depth, and so every recursive walk of it
MAX_NESTING = 32  # brackets, calls, 'not' and unary '-' inside one another
MAX_NUMBER = 20  # characters of one number: products of literals stay far below Python's 4,300-digit limit

COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")
FUNCTIONS = {
    # name: (argument, result type, description). An argument in REFERENCE_KINDS
    # is one quoted id of that kind: met('m1'), stage('spinning-plates').
    "count": ("bool...", "number", "how many of the given yes/no conditions are true; unknown while any is unknown"),
    "met": ("milestone", "bool", "whether a milestone is met; unknown while its answers are missing"),
    "stage": ("framework", "str", "the framework's stage id; unknown while a later stage cannot be ruled out"),
    "checklist": ("checklist", "number", "how many items of a checklist are yes; unknown until every item is answered"),
}
REFERENCE_KINDS = ("milestone", "framework", "checklist")

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<num>\d+(?:\.\d+)?|\.\d+)
  | (?P<str>'[^'\\]*'|"[^"\\]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|,)
    """,
    re.VERBOSE | re.ASCII,  # '١٢' is not a number here, nor a no-break space a space
)
_KEYWORDS = {"and", "or", "not", "true", "false"}


class _Tok(NamedTuple):
    kind: str  # num, str, name, kw, op, end
    text: str
    pos: int


def _tokens(source: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if not m:
            raise ExprError(f"unexpected character {source[pos]!r}", pos, _character_hint(source, pos))
        kind = m.lastgroup or ""  # every alternative of _TOKEN is a named group
        text = m.group()
        if kind == "name" and text in _KEYWORDS:
            kind = "kw"
        elif kind == "name" and text in ("True", "False", "AND", "OR", "NOT"):
            raise ExprError(f"unknown word {text!r}", pos, f"write it in lower case: '{text.lower()}'")
        elif kind == "num" and len(text) > MAX_NUMBER:
            raise ExprError(f"the number {text[:MAX_NUMBER]}… is too long (at most {MAX_NUMBER} characters)", pos)
        if kind != "space":
            if len(out) == MAX_TOKENS:
                raise ExprError(f"the condition is too long: more than {MAX_TOKENS} names, numbers and signs", pos,
                                "split it, e.g. into a milestone and met()")
            out.append(_Tok(kind, text, pos))
        pos = m.end()
    out.append(_Tok("end", "", len(source)))
    return out


def _character_hint(source: str, pos: int) -> str:
    ch = source[pos]
    if ch in "&|!":
        return "use 'and', 'or', 'not'"
    if ch == "=":
        pair = source[pos:pos + 2]
        return "did you mean '>='?" if pair == "=>" else "did you mean '<='?" if pair == "=<" else "use '==' to compare"
    if ch.isdigit():
        return "write numbers with the digits 0-9"
    if ch.isspace() or not ch.isprintable():
        return "use plain spaces"
    return ""


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.toks = _tokens(source)
        self.i = 0
        self.nesting = 0

    def inside(self, tok: _Tok) -> None:
        """One level deeper; the parser and every walk of the tree recurse once per level."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise ExprError(f"the condition nests too deeply: more than {MAX_NESTING} brackets, calls, 'not' or '-' inside one another",
                            tok.pos, "write it more simply")

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def at(self, *texts: str) -> bool:
        return self.tok.kind in ("kw", "op") and self.tok.text in texts

    def expect(self, text: str) -> _Tok:
        if not self.at(text):
            found = self.tok.text or "the end of the condition"
            raise ExprError(f"expected '{text}' but found {found!r}", self.tok.pos)
        return self.take()

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ExprError("the condition is empty", 0)
        node = self.boolean("or", self.conjunction)
        if self.tok.kind != "end":
            hint = "comparisons do not chain: write 'a < b and b < c'" if self.tok.text in COMPARISONS else ""
            raise ExprError(f"unexpected {self.tok.text!r}", self.tok.pos, hint)
        return node

    def boolean(self, word: str, operand) -> Node:
        first = operand()
        items = [first]
        while self.at(word):
            self.take()
            items.append(operand())
        if len(items) == 1:
            return first
        return Node(word, word, tuple(items), first.pos, items[-1].end)

    def conjunction(self) -> Node:
        return self.boolean("and", self.negation)

    def negation(self) -> Node:
        if self.at("not"):
            self.inside(self.tok)
            start = self.take().pos
            inner = self.negation()
            self.nesting -= 1
            return Node("not", "not", (inner,), start, inner.end)
        return self.comparison()

    def comparison(self) -> Node:
        left = self.arith(("+", "-"), self.product)
        if self.at(*COMPARISONS):
            op = self.take().text
            right = self.arith(("+", "-"), self.product)
            return Node("cmp", op, (left, right), left.pos, right.end)
        return left

    def product(self) -> Node:
        return self.arith(("*", "/"), self.unary)

    def arith(self, ops: tuple, operand) -> Node:
        left = operand()
        while self.at(*ops):
            op = self.take().text
            right = operand()
            left = Node("arith", op, (left, right), left.pos, right.end)
        return left

    def unary(self) -> Node:
        if self.at("-"):
            self.inside(self.tok)
            start = self.take().pos
            inner = self.unary()
            self.nesting -= 1
            return Node("neg", "-", (inner,), start, inner.end)
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        end = tok.pos + len(tok.text)
        if tok.kind == "num":
            value = Fraction(tok.text) if "." in tok.text else int(tok.text)
            return Node("num", value, (), tok.pos, end)
        if tok.kind == "str":
            return Node("str", tok.text[1:-1], (), tok.pos, end)
        if tok.kind == "kw" and tok.text in ("true", "false"):
            return Node("bool", tok.text == "true", (), tok.pos, end)
        if tok.kind == "name":
            if self.at("("):
                return self.call(tok)
            return Node("name", tok.text, (), tok.pos, end)
        if tok.kind == "op" and tok.text == "(":
            self.inside(tok)
            inner = self.boolean("or", self.conjunction)
            close = self.expect(")")
            self.nesting -= 1
            return inner._replace(pos=tok.pos, end=close.pos + 1)
        found = tok.text or "the end of the condition"
        raise ExprError(f"expected a value but found {found!r}", tok.pos)

    def call(self, name: _Tok) -> Node:
        if name.text not in FUNCTIONS:
            raise ExprError(f"unknown function {name.text!r}", name.pos, "known functions: " + ", ".join(sorted(FUNCTIONS)))
        self.inside(name)
        self.expect("(")
        args = [self.boolean("or", self.conjunction)]
        while self.at(","):
            self.take()
            args.append(self.boolean("or", self.conjunction))
        close = self.expect(")")
        self.nesting -= 1
        return Node("call", name.text, tuple(args), name.pos, close.pos + 1)


def parse(source: str) -> Node:
    """Parse a condition; raise ExprError with the offset of the first problem."""
    if not isinstance(source, str):
        raise ExprError("a condition must be text", 0)
    return _parse(source)


@functools.lru_cache(maxsize=1024)  # `check` and `build` parse each condition three times: to check, to compile, to word it
def _parse(source: str) -> Node:
    if len(source) > MAX_LENGTH:
        raise ExprError(f"the condition is too long: {len(source):,} characters (at most {MAX_LENGTH:,})", MAX_LENGTH,
                        "split it, e.g. into a milestone and met()")
    return _Parser(source).parse()


def names(node: Node) -> list[Node]:
    """Every answer-name node in the tree, left to right."""
    if node.kind == "name":
        return [node]
    found: list[Node] = []
    for arg in node.args:
        found.extend(names(arg))
    return found


def references(node: Node) -> list[tuple[str, str]]:
    """Every (function, id) reference such as ('met', 'm1'), left to right."""
    found: list[tuple[str, str]] = []
    if node.kind == "call" and FUNCTIONS[node.value][0] in REFERENCE_KINDS:
        found.append((node.value, node.args[0].value))
    for arg in node.args:
        found.extend(references(arg))
    return found


def check_types(node: Node, types: dict[str, str], want: str = "bool", refs: dict | None = None) -> str:
    """Type-check a tree against answer types ('number', 'bool', 'str').

    ``refs`` maps each reference kind to the ids it may name (for 'framework',
    to each framework's stage ids); where a kind is absent, its function is
    not available. Raises ExprError for an unknown name or a type mismatch
    and returns the type of the whole expression, which must be ``want``.
    """
    got = _type_of(node, types, refs or {})
    if want and got != want:
        raise ExprError(f"this is a {_TYPE_WORDS[got]}, but a {_TYPE_WORDS[want]} is needed here", node.pos)
    return got


_TYPE_WORDS = {"bool": "yes/no condition", "number": "number", "str": "text value"}


def _type_of(node: Node, types: dict[str, str], refs: dict) -> str:
    kind = node.kind
    if kind == "num":
        return "number"
    if kind == "str":
        return "str"
    if kind == "bool":
        return "bool"
    if kind == "name":
        if node.value not in types:
            raise ExprError(f"unknown answer id {node.value!r}", node.pos, _did_you_mean(node.value, types))
        return types[node.value]
    if kind == "call":
        arg, result, _ = FUNCTIONS[node.value]
        if arg in REFERENCE_KINDS:
            _check_reference(node, arg, refs)
        else:
            for item in node.args:
                _want(item, types, refs, "bool")
        return result
    if kind in ("neg", "arith"):
        for item in node.args:
            _want(item, types, refs, "number")
        return "number"
    if kind == "cmp":
        left, right = (_type_of(item, types, refs) for item in node.args)
        if node.value in ("==", "!="):
            if left != right:
                raise ExprError(f"cannot compare a {_TYPE_WORDS[left]} with a {_TYPE_WORDS[right]}", node.pos)
            _check_stage_literal(node, refs)
        elif left != "number" or right != "number":
            bad = node.args[0] if left != "number" else node.args[1]
            raise ExprError(f"'{node.value}' compares numbers, not a {_TYPE_WORDS[_type_of(bad, types, refs)]}", bad.pos)
        return "bool"
    for item in node.args:  # not, and, or
        _want(item, types, refs, "bool")
    return "bool"


def _want(node: Node, types: dict, refs: dict, want: str) -> None:
    got = _type_of(node, types, refs)
    if got != want:
        raise ExprError(f"this is a {_TYPE_WORDS[got]}, but a {_TYPE_WORDS[want]} is needed here", node.pos)


def _check_reference(node: Node, kind: str, refs: dict) -> None:
    if kind not in refs:
        raise ExprError(f"{node.value}() cannot be used here", node.pos, "conditions here may only read answers")
    if len(node.args) != 1 or node.args[0].kind != "str":
        raise ExprError(f"{node.value}() takes one quoted {kind} id, e.g. {node.value}('{next(iter(refs[kind]), 'id')}')", node.pos)
    ident = node.args[0].value
    if ident not in refs[kind]:
        raise ExprError(f"unknown {kind} {ident!r}", node.args[0].pos, _did_you_mean(ident, refs[kind]))


def _check_stage_literal(node: Node, refs: dict) -> None:
    """In stage('fw') == 'x', x must be one of fw's stages."""
    left, right = node.args
    if right.kind == "call" and right.value == "stage":
        left, right = right, left
    if left.kind == "call" and left.value == "stage" and right.kind == "str":
        stages = refs["framework"][left.args[0].value]
        if stages is not None and right.value not in stages:
            hint = _did_you_mean(right.value, stages) or "its stages: " + ", ".join(stages)
            raise ExprError(f"{left.args[0].value!r} has no stage {right.value!r}", right.pos, hint)


def closest(name: str, known) -> str | None:
    """The known name nearest a misspelt one, if any is near enough."""
    import difflib  # only on a mistake: importing it costs ~50 ms under Pyodide, a sixth of the engine's start

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(name: str, known) -> str:
    close = closest(name, known)
    return f"did you mean {close!r}?" if close else ""


def evaluate(node: Node, answers: dict[str, Any], derived: dict | None = None) -> Any:
    """Evaluate with three-valued logic. Missing answers are UNKNOWN.

    ``derived`` holds the values of met(), stage() and checklist() references,
    keyed by (function, id); what it lacks is UNKNOWN.
    """
    return _EVALUATE[node.kind](node, answers, derived or {})


# One function per kind, found by a table rather than a chain of tests: the engine evaluates a few thousand
# nodes per score (ask_next tries answers), which under Pyodide is most of a re-score's time.
def _literal(node: Node, answers: dict, derived: dict) -> Any:
    return node.value


def _name(node: Node, answers: dict, derived: dict) -> Any:
    value = answers.get(node.value)
    if value is None:
        return UNKNOWN
    return Fraction(repr(value)) if type(value) is float else value


def _junction(node: Node, answers: dict, derived: dict) -> Any:
    """``and`` and ``or``: a value that decides it (false for and, true for or) wins; else UNKNOWN if any is; else the other."""
    decides = node.kind == "or"
    result = not decides
    for arg in node.args:
        value = _EVALUATE[arg.kind](arg, answers, derived)
        if value is decides:
            return decides
        if value is UNKNOWN:
            result = UNKNOWN
    return result


def _not(node: Node, answers: dict, derived: dict) -> Any:
    arg = node.args[0]
    value = _EVALUATE[arg.kind](arg, answers, derived)
    return value if value is UNKNOWN else not value


def _call(node: Node, answers: dict, derived: dict) -> Any:
    if node.value != "count":
        return derived.get((node.value, node.args[0].value), UNKNOWN)
    values = [_EVALUATE[arg.kind](arg, answers, derived) for arg in node.args]
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    return sum(1 for v in values if v is True)


def _neg(node: Node, answers: dict, derived: dict) -> Any:
    arg = node.args[0]
    value = _EVALUATE[arg.kind](arg, answers, derived)
    return value if value is UNKNOWN or value is UNDEFINED else -value


def _binary(node: Node, answers: dict, derived: dict) -> Any:
    """``arith`` and ``cmp``: UNKNOWN if a side is; with a side UNDEFINED (a ratio over zero), a sum is UNDEFINED
    and a comparison false."""
    left, right = node.args
    left, right = _EVALUATE[left.kind](left, answers, derived), _EVALUATE[right.kind](right, answers, derived)
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if left is UNDEFINED or right is UNDEFINED:
        return False if node.kind == "cmp" else UNDEFINED
    if node.value == "/":
        return UNDEFINED if right == 0 else Fraction(left) / right
    return _OPERATORS[node.value](left, right)


_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul,
              "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}
_EVALUATE = {
    "num": _literal, "str": _literal, "bool": _literal, "name": _name, "and": _junction, "or": _junction, "not": _not,
    "call": _call, "neg": _neg, "arith": _binary, "cmp": _binary,
}
