"""The kcore test matrix: backends x plugin sets.

Run everything:            python -m nox
List sessions:             python -m nox -l
One session:               python -m nox -s "tests(backend='jax')"

Every session installs with ``-c constraints.txt`` (torch stays at the CPU wheel 2.13.0).
"""

from __future__ import annotations

import nox

nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "tests", "minimal", "third_party", "all_installed"]

CONSTRAINTS = ("-c", "constraints.txt")
BACKENDS = {
    "torch": ("plugins/kcore-backend-torch", "torch"),
    "jax": ("plugins/kcore-backend-jax", "jax"),
    "tf": ("plugins/kcore-backend-tf", "tensorflow"),
}
#: The standard plugins every full session installs (later issues add optim, callbacks, zoo).
STANDARD_PLUGINS = ("plugins/kcore-layers", "plugins/kcore-optim")
# Keras 3 is the reference in parity tests; its NumPy backend imports jax, so jax comes along even
# in the torch / tf sessions (kcore's own jax backend plugin is not installed there).
TEST_DEPS = ("pytest", "keras", "jax", "jaxlib", "setuptools", "scikit-learn")


def _install(session: nox.Session, *paths: str) -> None:
    session.install(*CONSTRAINTS, *TEST_DEPS)
    session.install(*CONSTRAINTS, ".", *paths)


def _env(backend: str) -> dict[str, str]:
    return {
        "KCORE_BACKEND": BACKENDS[backend][1],
        "KCORE_HOME": ".nox/kcore-home",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


@nox.session
@nox.parametrize("backend", list(BACKENDS))
def tests(session: nox.Session, backend: str) -> None:
    """Core + one backend + the standard plugins; runs the kernel, plugin and op-suite tests.

    python -m nox -s "tests(backend='torch')"   (or 'jax', 'tf')
    """
    plugin_dir = BACKENDS[backend][0]
    _install(session, plugin_dir, *STANDARD_PLUGINS)
    test_dirs = ["tests", f"{plugin_dir}/tests"]
    test_dirs += [f"{p}/tests" for p in STANDARD_PLUGINS]
    session.run("pytest", "-q", *test_dirs, *session.posargs, env=_env(backend))


@nox.session
@nox.parametrize("backend", list(BACKENDS))
def minimal(session: nox.Session, backend: str) -> None:
    """Core + one backend and nothing else: proves no other plugin is required.

    python -m nox -s "minimal(backend='jax')"
    """
    plugin_dir = BACKENDS[backend][0]
    _install(session, plugin_dir)
    session.run("pytest", "-q", "tests", f"{plugin_dir}/tests", *session.posargs, env=_env(backend))


@nox.session
def third_party(session: nox.Session) -> None:
    """Installs and removes the fixture packages in tests/plugins (a third-party layer package
    and a deliberately broken plugin) and checks kcore picks them up through entry points only.

    python -m nox -s third_party
    """
    _install(session, BACKENDS["torch"][0], *STANDARD_PLUGINS)
    env = dict(_env("torch"), KCORE_TEST_INSTALL="1")
    session.run("pytest", "-q", "tests/test_third_party.py", *session.posargs, env=env)


@nox.session
def all_installed(session: nox.Session) -> None:
    """Every backend and plugin in one environment: selection, preference order and import
    hygiene with all three frameworks present.

    python -m nox -s all_installed
    """
    _install(session, *(p for p, _ in BACKENDS.values()), *STANDARD_PLUGINS)
    env = {"KCORE_HOME": ".nox/kcore-home", "TF_CPP_MIN_LOG_LEVEL": "2"}
    session.run("pytest", "-q", "tests", *session.posargs, env=env)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check + ruff format --check over the whole tree.

    python -m nox -s lint
    """
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
