"""The CJK font of the PDF reports: WenQuanYi Micro Hei, vendored from Debian.

`reporting/fonts/wqy-microhei.ttc` is the TrueType collection of Debian's
`fonts-wqy-microhei` 0.2.0-beta-3.1, byte for byte, with its copyright file beside it
(Apache-2.0 or GPL-3+ with font exception; reporting/fonts/README.md). TrueType `glyf`
outlines are what reportlab's `TTFont` can subset and embed, so every viewer draws the
same glyphs with nothing installed. The vendored file is always used, not a system copy:
the same bytes in every PDF whatever the machine has.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "WenQuanYiMicroHei"
FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"
FONT_SHA256 = "2420e8078af796b19a3f6ef13de527a1a91c1e7171eea115926c614ced1009b3"


@cache
def cjk_font() -> str:
    """Register the font once (face 0 of the collection, the proportional one); its name."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    return FONT
