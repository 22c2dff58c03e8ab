"""Every customer and ticket status has a tone of its own, and the stylesheet paints each tone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from customers import enums as customer_enums
from tickets import enums as ticket_enums

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "backoffice.css"


@pytest.mark.parametrize(
    ("labels", "tones"),
    [
        (customer_enums.CUSTOMER_STATUSES, customer_enums.STATUS_TONES),
        (ticket_enums.STATUS_LABELS, ticket_enums.STATUS_TONES),
    ],
    ids=["customer", "ticket"],
)
def test_each_status_has_a_tone_no_other_status_shares(
    labels: dict[str, str], tones: dict[str, str]
) -> None:
    assert set(tones) == set(labels)
    assert len(set(tones.values())) == len(tones)
    # Neutral grey is kept for values the app does not know.
    assert "neutral" not in tones.values()


def test_the_customer_statuses_follow_the_ui_guides_palette() -> None:
    assert customer_enums.STATUS_TONES == {
        "verified": "success",
        "new": "info",
        "under_verificaiton": "teal",
        "on_hold": "warning",
        "dispute": "purple",
        "under_investigation": "orange",
        "blacklisted": "danger",
        "bancrupted": "dark",
    }


def test_the_stylesheet_paints_every_tone_in_both_themes() -> None:
    css = STYLESHEET.read_text()
    light, dark = css.split("@media (prefers-color-scheme: dark)", 1)
    dark_variables = dark.split("}", 1)[0]
    used = set(customer_enums.STATUS_TONES.values()) | set(ticket_enums.STATUS_TONES.values())
    for tone in used | {"neutral"}:
        rule = re.search(
            rf"\.tone-{tone} \{{ background: var\(--(\w+)-bg\); color: var\(--\1-fg\); \}}", css
        )
        assert rule, f"no .tone-{tone} rule"
        variable = rule.group(1)
        assert f"--{variable}-bg:" in light and f"--{variable}-fg:" in light
        assert f"--{variable}-bg:" in dark_variables and f"--{variable}-fg:" in dark_variables
    assert "color-scheme: light dark;" in css
