"""fit / evaluate / predict read a torch DataLoader through the plugin's data adapter."""

import numpy as np
import pytest

pytest.importorskip("kcore_layers")
pytest.importorskip("kcore_optim")

import torch  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

import kcore as keras  # noqa: E402


def test_fit_evaluate_predict_from_dataloader():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")[:, None]
    loader = DataLoader(
        TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=16, shuffle=True
    )
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(loader, epochs=5, verbose=0)
    assert len(history.history["loss"]) == 5
    assert history.history["loss"][-1] < history.history["loss"][0]
    results = model.evaluate(loader, verbose=0, return_dict=True)
    assert results["accuracy"] > 0.8
    assert model.predict(
        DataLoader(TensorDataset(torch.from_numpy(x)), batch_size=32), verbose=0
    ).shape == (96, 1)
    with pytest.raises(ValueError, match="`y` must not be passed"):
        model.fit(loader, y, verbose=0)
