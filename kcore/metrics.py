"""``kcore.metrics``: resolved lazily from the installed plugins (see ``kcore plugins``)."""

from kcore._namespace import install

install(__name__, "metrics")
