"""How much a fee request may ask for (issue #12 §4): the most the procedure version's fee
table (phí, lệ phí) allows for one dossier. A request above it needs a reason and an officer who
may decide it (``dossier.fee_override`` in congso.org.policy); the service audits it.

The table's rows (procedures.Fee, read by ``parsing.parse_fees``):

- flat rows are due on every dossier and add up;
- conditional rows are alternatives the officer picks at intake ("miễn lệ phí đối với … đúng
  hạn; 8.000 đồng/trường hợp đối với … không đúng hạn"): at most the dearest of them;
- per-unit rates (per page, copy, case, contract) depend on a count the officer gives
  (``quantity``, default 1): a row with ``from_unit`` N is the rate from the N-th unit on (tiers),
  and ``max_amount`` caps what one set of them costs ("tối đa thu không quá 200.000 đồng/bản").
  Rates with different units (trang, bản) are each counted with the same quantity: the ceiling
  is an upper bound, never below what the table can ask.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from congso.procedures.models import Fee, ProcedureVersion
from congso.procedures.selectors import version_content

MAX_QUANTITY = 100_000


@dataclass(frozen=True)
class FeeCeiling:
    amount: int  # the most the table allows, in đồng
    per_unit: bool  # the table has per-unit rates: the amount depends on ``quantity``
    quantity: int
    free: bool  # the table has no row that charges anything


def _tiered(rows: Sequence[Fee], quantity: int) -> int:
    """The cost of ``quantity`` units at tiered rates (each row's rate from its ``from_unit``
    on, the first row from unit 1), capped by the rows' ``max_amount``."""
    tiers = sorted(rows, key=lambda f: f.from_unit or 1)
    total = 0
    for index, row in enumerate(tiers):
        start = 1 if index == 0 else max(row.from_unit or 1, 1)
        end = quantity
        if index + 1 < len(tiers):
            end = min(quantity, (tiers[index + 1].from_unit or 1) - 1)
        if end >= start:
            total += (end - start + 1) * row.amount
    caps = [f.max_amount for f in rows if f.max_amount]
    return min([total, *caps])


def _cost(rows: Iterable[Fee], quantity: int) -> int:
    """Flat rows add up; per-unit rows are counted per unit name (trang, bản …) in tiers."""
    flat = 0
    groups: dict[str, list[Fee]] = {}
    for row in rows:
        if row.per_unit:
            groups.setdefault(row.per_unit.strip().lower(), []).append(row)
        else:
            flat += row.amount
    return flat + sum(_tiered(group, quantity) for group in groups.values())


def fee_ceiling(version: ProcedureVersion, quantity: int = 1) -> FeeCeiling:
    """The most a fee request on a dossier of ``version`` may ask (``quantity`` units of its
    per-unit rates)."""
    quantity = min(max(int(quantity or 1), 1), MAX_QUANTITY)
    fees = version_content(version).fees
    unconditional = [f for f in fees if not f.condition]
    conditional = [f for f in fees if f.condition]
    amount = _cost(unconditional, quantity) + max(
        (_cost([f], quantity) for f in conditional), default=0
    )
    return FeeCeiling(
        amount=amount,
        per_unit=any(f.per_unit for f in fees),
        quantity=quantity,
        free=not any(f.amount for f in fees),
    )
