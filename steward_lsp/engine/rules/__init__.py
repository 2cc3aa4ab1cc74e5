"""Rules: compare the model schema with the head schema and inspect revisions."""

from __future__ import annotations

import logging
from collections.abc import Callable

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules.compliance import check_compliance
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.data_loss import check_data_loss
from steward_lsp.engine.rules.drift_tables import check_drift
from steward_lsp.engine.rules.ignores import apply_ignores
from steward_lsp.engine.rules.indexes import check_indexes
from steward_lsp.engine.rules.ledger import check_ledger
from steward_lsp.engine.rules.online_safety import check_online_safety
from steward_lsp.engine.rules.query_indexes import check_query_indexes
from steward_lsp.engine.rules.safety import check_reversibility

__all__ = ["RuleContext", "apply_ignores", "run_rules"]

logger = logging.getLogger(__name__)

RuleFamily = Callable[[RuleContext], list[Finding]]

RULE_FAMILIES: tuple[RuleFamily, ...] = (
    check_drift,
    check_indexes,
    check_query_indexes,
    check_reversibility,
    check_data_loss,
    check_online_safety,
    check_ledger,
    check_compliance,
)


def run_rules(context: RuleContext) -> list[Finding]:
    """Run every rule family on ``context`` and return the findings.

    A family that fails is logged with its traceback and skipped, so one
    broken rule never hides the findings of the others.
    """
    findings: list[Finding] = []
    for family in RULE_FAMILIES:
        try:
            findings.extend(family(context))
        except Exception:  # noqa: BLE001 - one rule family must not stop the rest
            logger.exception(
                "rule family %s failed on environment %s",
                family.__name__,
                context.environment.name,
            )
    return findings
