"""Shared test setup for kcore-optim.

Keras 3 is the numerical reference. It must run on its NumPy backend (no second framework
competing with kcore's), so KERAS_BACKEND is set here, before any test module imports keras.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "numpy")
