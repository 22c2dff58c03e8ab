"""Which customer changes need a second officer's approval (four-eyes), from settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from .writes import CustomerWrite


@dataclass(frozen=True)
class ApprovalPolicy:
    statuses: frozenset[str]
    kyc_confirmations: frozenset[str]
    pep_leaving: frozenset[str]

    def requires_approval(self, write: CustomerWrite) -> bool:
        if write.action == "status":
            return write.after.get("status") in self.statuses
        if write.action == "kyc":
            return write.after.get("kyc") in self.kyc_confirmations
        if write.action == "pep":
            before, after = write.before.get("pep"), write.after.get("pep")
            return before in self.pep_leaving and after != before
        return False


def approval_policy() -> ApprovalPolicy:
    return ApprovalPolicy(
        statuses=frozenset(settings.FOUR_EYES_STATUSES),
        kyc_confirmations=frozenset(settings.FOUR_EYES_KYC),
        pep_leaving=frozenset(settings.FOUR_EYES_PEP_LEAVING),
    )
