"""Which customer changes need a second officer's approval (four-eyes), from settings.

The policy is about transitions, not target values: moving a customer *to* a sensitive value
(verified, blacklisted) and moving it *away* from one (out of a blacklisting, out of a KYC
rejection) both wait for a checker.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import enums
from .writes import CustomerWrite


@dataclass(frozen=True)
class Transitions:
    """One checked value's rule: moving to any of `entering`, or away from any of `leaving`."""

    entering: frozenset[str]
    leaving: frozenset[str]

    def need_a_checker(self, before: str, after: str) -> bool:
        # Entering holds even when nothing changes: a re-verification is still a verification.
        return after in self.entering or (before in self.leaving and after != before)


@dataclass(frozen=True)
class CheckedValue:
    """A customer value the policy watches: the write action that sets it and its labels."""

    action: str
    name: str
    labels: dict[str, str]


CHECKED_VALUES = (
    CheckedValue("status", "Status", enums.CUSTOMER_STATUSES),
    CheckedValue("kyc", "KYC", enums.KYC_CONFIRMATIONS),
    CheckedValue("pep", "PEP", enums.PEP_CHECK_STATUSES),
)


@dataclass(frozen=True)
class ApprovalPolicy:
    # write action ("status", "kyc", "pep") → its transitions; a write's before/after are
    # keyed by the same name.
    rules: dict[str, Transitions]

    def requires_approval(self, write: CustomerWrite) -> bool:
        rule = self.rules.get(write.action)
        if rule is None:
            return False
        before = str(write.before.get(write.action) or "")
        after = str(write.after.get(write.action) or "")
        return rule.need_a_checker(before, after)

    def summary(self) -> str:
        """The policy in one sentence, in the labels staff read."""
        parts = []
        for value in CHECKED_VALUES:
            rule = self.rules[value.action]
            clauses = []
            if rule.entering:
                clauses.append("to " + _either(value.labels, rule.entering))
            if rule.leaving:
                clauses.append("away from " + _either(value.labels, rule.leaving))
            if clauses:
                parts.append(f"{value.name} " + ", or ".join(clauses))
        return "; ".join(parts)


def _either(labels: dict[str, str], values: frozenset[str]) -> str:
    """`A, B or C`, in the enum's order."""
    names = [label for value, label in labels.items() if value in values]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _setting(name: str, allowed: dict[str, str]) -> frozenset[str]:
    values = frozenset(getattr(settings, name))
    unknown = sorted(values - allowed.keys())
    if unknown:
        # A misspelt value would silently never match and let a change through unchecked.
        raise ImproperlyConfigured(
            f"{name} holds {', '.join(unknown)}, which the gateway does not know; "
            f"use values from: {', '.join(allowed)}."
        )
    return values


def approval_policy() -> ApprovalPolicy:
    return ApprovalPolicy(
        rules={
            "status": Transitions(
                entering=_setting("FOUR_EYES_STATUSES", enums.CUSTOMER_STATUSES),
                leaving=_setting("FOUR_EYES_STATUSES_LEAVING", enums.CUSTOMER_STATUSES),
            ),
            "kyc": Transitions(
                entering=_setting("FOUR_EYES_KYC", enums.KYC_CONFIRMATIONS),
                leaving=_setting("FOUR_EYES_KYC_LEAVING", enums.KYC_CONFIRMATIONS),
            ),
            "pep": Transitions(
                entering=_setting("FOUR_EYES_PEP", enums.PEP_CHECK_STATUSES),
                leaving=_setting("FOUR_EYES_PEP_LEAVING", enums.PEP_CHECK_STATUSES),
            ),
        }
    )
