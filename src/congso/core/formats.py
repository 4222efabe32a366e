"""Vietnamese formats for Python code (PDFs, exports); templates use the ``congso`` tags."""

from congso.core.templatetags.congso import vnd, vndate, vndatetime

__all__ = ["vnd", "vndate", "vndatetime"]
