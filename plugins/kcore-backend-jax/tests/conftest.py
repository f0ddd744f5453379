"""Run this plugin's tests on the jax backend."""

import kcore

kcore.config.set_backend("jax")
