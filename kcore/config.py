"""Global configuration, Keras-compatible: ``kcore.config.floatx()``, ``set_backend(...)``, ...

Values come from ``$KCORE_HOME/kcore.json`` (default ``~/.kcore/kcore.json``) when it exists,
with the same keys as Keras's ``keras.json``: ``backend``, ``floatx``, ``epsilon``,
``image_data_format``. kcore never writes this file by itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = [
    "config_path",
    "read_config_file",
    "floatx",
    "set_floatx",
    "epsilon",
    "set_epsilon",
    "image_data_format",
    "set_image_data_format",
    "backend",
    "set_backend",
]

_FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
_state: dict[str, object] | None = None


def config_path() -> Path:
    """Where kcore reads its configuration file."""
    home = os.environ.get("KCORE_HOME") or os.path.join(os.path.expanduser("~"), ".kcore")
    return Path(home) / "kcore.json"


def read_config_file() -> dict[str, object]:
    """The parsed configuration file, ``{}`` if absent.

    Raises:
        ValueError: the file exists but is not a JSON object.
    """
    path = config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ValueError(f"Cannot read the kcore config file {str(path)!r}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"The kcore config file {str(path)!r} is not valid JSON ({exc}). Fix or delete it."
        ) from None
    if not isinstance(data, dict):
        raise ValueError(
            f"The kcore config file {str(path)!r} must hold a JSON object. Received: "
            f"{type(data).__name__}"
        )
    return data


def _get_state() -> dict[str, object]:
    global _state
    if _state is None:
        data = read_config_file()
        _state = {
            "floatx": _check_floatx(data.get("floatx", "float32")),
            "epsilon": _check_epsilon(data.get("epsilon", 1e-7)),
            "image_data_format": _check_format(data.get("image_data_format", "channels_last")),
        }
    return _state


def _check_floatx(value: object) -> str:
    if value not in _FLOAT_TYPES:
        raise ValueError(f"`floatx` must be one of {_FLOAT_TYPES}. Received: floatx={value!r}")
    return value  # type: ignore[return-value]


def _check_epsilon(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"`epsilon` must be a non-negative number. Received: epsilon={value!r}")
    return float(value)


def _check_format(value: object) -> str:
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            "`image_data_format` must be 'channels_last' or 'channels_first'. Received: "
            f"image_data_format={value!r}"
        )
    return value  # type: ignore[return-value]


def floatx() -> str:
    """The default float dtype, ``"float32"`` unless configured."""
    return _get_state()["floatx"]  # type: ignore[return-value]


def set_floatx(value: str) -> None:
    """Set the default float dtype (``"float16"``, ``"bfloat16"``, ``"float32"``, ``"float64"``)."""
    _get_state()["floatx"] = _check_floatx(value)


def epsilon() -> float:
    """The fuzz factor used in numeric expressions, ``1e-7`` unless configured."""
    return _get_state()["epsilon"]  # type: ignore[return-value]


def set_epsilon(value: float) -> None:
    """Set the fuzz factor."""
    _get_state()["epsilon"] = _check_epsilon(value)


def image_data_format() -> str:
    """``"channels_last"`` (default) or ``"channels_first"``."""
    return _get_state()["image_data_format"]  # type: ignore[return-value]


def set_image_data_format(value: str) -> None:
    """Set the default image data format."""
    _get_state()["image_data_format"] = _check_format(value)


def backend() -> str:
    """The name of the active backend (selecting it if needed)."""
    from kcore.backend import backend as _backend

    return _backend()


def set_backend(name: str) -> None:
    """Switch the active backend by name.

    Variables and tensors made before the switch stay on their old backend; build models after
    switching. Raises ``ValueError`` if no installed plugin provides ``name``.
    """
    from kcore.backend import _selection

    _selection.set_backend(name)


def _reset() -> None:
    """Re-read the configuration file on next use (tests)."""
    global _state
    _state = None
