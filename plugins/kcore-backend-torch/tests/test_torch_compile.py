"""``compile(jit_compile=True)`` on torch trains through ``torch.compile`` with eager's numbers."""

import numpy as np
import pytest

pytest.importorskip("kcore_layers")
pytest.importorskip("kcore_optim")

import kcore as keras  # noqa: E402

# torch.compile's own import path warns about torch.jit deprecations; not kcore's business.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _model(weights=None):
    model = keras.Sequential(
        [
            keras.Input((6,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    if weights is not None:
        model.set_weights(weights)
    return model


def test_jit_compile_true_matches_eager_training_evaluation_and_prediction():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 6)).astype("float32")
    y = rng.integers(0, 3, 64)
    eager = _model()
    compiled = _model(eager.get_weights())
    results = []
    for model, jit in ((eager, False), (compiled, True)):
        model.compile(
            optimizer="adam",
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            jit_compile=jit,
        )
        history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        results.append(
            (
                history.history,
                model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True),
                model.predict(x, batch_size=32, verbose=0),
            )
        )
    (h0, e0, p0), (h1, e1, p1) = results
    np.testing.assert_allclose(h0["loss"], h1["loss"], rtol=1e-5)
    np.testing.assert_allclose(h0["accuracy"], h1["accuracy"])
    assert e0.keys() == e1.keys()
    for key in e0:
        np.testing.assert_allclose(e0[key], e1[key], rtol=1e-5)
    np.testing.assert_allclose(p0, p1, rtol=1e-5, atol=1e-6)
    for a, b in zip(eager.get_weights(), compiled.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    runner = compiled._step_runner
    assert set(runner._compiled) == {"train", "test", "predict"}
    assert all(hasattr(fn, "_torchdynamo_orig_callable") for fn in runner._compiled.values())


def test_auto_and_false_stay_eager():
    model = _model()
    model.compile(optimizer="sgd", loss="mse")  # jit_compile="auto"
    model.fit(np.ones((4, 6), "float32"), np.ones((4, 3), "float32"), verbose=0)
    assert model._step_runner._compiled == {}
    assert model._step_runner._fn("train", len) is len
