"""Run this plugin's tests on the tensorflow backend, with TensorFlow's C++ logging quiet."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from kcore import config  # noqa: E402

config.set_backend("tensorflow")
