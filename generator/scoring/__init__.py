"""The scoring engine: standard library only, no I/O.

It runs unchanged on CPython and, in the browser, under Pyodide, where this
package is shipped on its own; hence relative imports only.
"""

from .answers import AnswerProblem, InvalidAnswers
from .engine import RULES_FORMAT, Engine
from .expr import ExprError, parse

__all__ = ["AnswerProblem", "Engine", "ExprError", "InvalidAnswers", "RULES_FORMAT", "parse"]
