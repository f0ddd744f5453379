"""``kcore.optimizers``: resolved lazily from the installed plugins (see ``kcore plugins``)."""

from kcore._namespace import install
from kcore.optimizers import schedules

__all__ = ["schedules"]

install(__name__, "optimizers")
