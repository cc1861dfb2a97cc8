"""Per-family tallies of the attack set, printed as one table at the end of a test run.

Each test that sends a family of attacks calls ``tally(family, tried=…, refused=…, inert=…, leaked=…)``
once and asserts ``leaked == 0`` itself. ``refused``: stopped with a message (``check``, the widget,
the command line); ``inert``: accepted, but it reaches the output as text and does nothing. The
conftest prints the table after the run, so a CI log always shows what was sent and what held. Under
pytest-xdist each worker counts its own tests: it sends ``rows()`` to the controller, which ``merge``s them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Tally", "TALLIES", "tally", "table", "rows", "merge"]


@dataclass
class Tally:
    family: str
    tried: int = 0
    refused: int = 0
    inert: int = 0
    leaked: int = 0


TALLIES: dict[str, Tally] = {}


def tally(family: str, *, tried: int, refused: int, inert: int, leaked: int) -> Tally:
    """Add one test's counts to its family's row; every attack tried is refused, inert or leaked."""
    if refused + inert + leaked != tried:
        raise AssertionError(f"{family}: {tried} tried, but refused {refused} + inert {inert} + leaked {leaked} "
                             f"= {refused + inert + leaked}: every attack must be counted once")
    row = TALLIES.setdefault(family, Tally(family))
    row.tried += tried
    row.refused += refused
    row.inert += inert
    row.leaked += leaked
    return row


def rows() -> list[dict[str, int | str]]:
    """This process's tallies as plain data (what an xdist worker can send)."""
    return [asdict(row) for row in TALLIES.values()]


def merge(counted: list[dict[str, int | str]]) -> None:
    """Add another process's ``rows()`` to this one's."""
    for row in counted:
        family = str(row["family"])
        mine = TALLIES.setdefault(family, Tally(family))
        for key in ("tried", "refused", "inert", "leaked"):
            setattr(mine, key, getattr(mine, key) + int(row[key]))


def table() -> list[str]:
    """The tallies as Markdown table lines, one row per family and a total, or [] if none ran."""
    if not TALLIES:
        return []
    rows = sorted(TALLIES.values(), key=lambda r: r.family)
    total = Tally("total", *(sum(getattr(r, k) for r in rows) for k in ("tried", "refused", "inert", "leaked")))
    lines = ["| family | tried | refused | inert | leaked |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {r.family} | {r.tried} | {r.refused} | {r.inert} | {r.leaked} |" for r in (*rows, total)]
    return lines
