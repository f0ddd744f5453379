"""Run this plugin's tests on the torch backend."""

from kcore import config

config.set_backend("torch")
