"""``kcore.optimizers.schedules``: learning-rate schedules from the installed plugins."""

from kcore._namespace import install

install(__name__, "schedules")
