"""`{% native_name value %}`: a native-script name marked with its script and direction."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from backoffice.text_script import text_script

register = template.Library()


@register.simple_tag
def native_name(value: str) -> SafeString:
    script = text_script(value)
    if not script.lang:
        return format_html('<span class="native">{}</span>', value)
    if script.dir:
        return format_html(
            '<span class="native" lang="{}" dir="{}">{}</span>', script.lang, script.dir, value
        )
    return format_html('<span class="native" lang="{}">{}</span>', script.lang, value)
