"""Shared test setup for kcore-layers.

Keras 3 is the numerical reference. It must run on its NumPy backend (no second framework
competing with kcore's), so KERAS_BACKEND is set here, before any test module imports keras.
Tests that compare with Keras take the ``keras`` fixture and are skipped when it is missing.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "numpy")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def keras():
    """Keras 3 on its NumPy backend, or skip."""
    keras = pytest.importorskip("keras")
    if not keras.__version__.startswith("3."):
        pytest.skip(f"Keras 3 is the reference; found keras {keras.__version__}")
    if keras.backend.backend() != "numpy":
        pytest.skip(f"Keras must run on its NumPy backend, not {keras.backend.backend()!r}")
    return keras


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def pytest_collection_modifyitems(items):
    # Keras 3's NumPy-backend Variable trips NumPy 2's __array__(copy=) deprecation; that is
    # Keras's business, not a kcore failure.
    for item in items:
        if "keras" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning:keras.*"))
