"""The shape of a gateway id that we accept in our URLs and forms."""

import re

GATEWAY_ID_REGEX = r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}"
GATEWAY_ID_PATTERN = re.compile(GATEWAY_ID_REGEX)
