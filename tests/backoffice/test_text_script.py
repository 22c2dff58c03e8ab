"""Native-script names carry the script as `lang`, and `dir="rtl"` for Arabic and Hebrew."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from backoffice.text_script import TextScript, text_script


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مريم المصري", TextScript("und-Arab", "rtl")),
        ("דוד כהן", TextScript("und-Hebr", "rtl")),
        ("Яна Димитрова", TextScript("und-Cyrl")),
        ("Γιώργος Οικονόμου", TextScript("und-Grek")),
        ("王芳", TextScript("und-Hani")),
        ("김민준", TextScript("und-Kore")),
        ("Jürgen Weiß", TextScript()),
        ("", TextScript()),
        # Leading digits and punctuation do not decide; the first letter does.
        ("1. مريم", TextScript("und-Arab", "rtl")),
    ],
)
def test_the_script_is_read_from_the_characters(text: str, expected: TextScript) -> None:
    assert text_script(text) == expected


def test_the_tag_marks_a_right_to_left_name_and_escapes_it() -> None:
    template = Template("{% load scripts %}{% native_name name %}")
    assert (
        template.render(Context({"name": "مريم <b>"}))
        == '<span class="native" lang="und-Arab" dir="rtl">مريم &lt;b&gt;</span>'
    )
    assert (
        template.render(Context({"name": "Яна"}))
        == '<span class="native" lang="und-Cyrl">Яна</span>'
    )
    assert template.render(Context({"name": "Ana"})) == '<span class="native">Ana</span>'
