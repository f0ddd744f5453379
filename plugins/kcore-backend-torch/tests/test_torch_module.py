"""A kcore model used as a torch.nn.Module: shared parameters, torch optimizers, state_dict."""

import numpy as np
import pytest

pytest.importorskip("kcore_layers")

import torch  # noqa: E402
from kcore_backend_torch import as_module  # noqa: E402

import kcore as keras  # noqa: E402


def test_module_shares_parameters_and_trains_with_torch_optim():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(1)])
    module = as_module(model)
    assert isinstance(module, torch.nn.Module)
    params = list(module.parameters())
    assert len(params) == 4 and all(p is w.value for p, w in zip(params, model.trainable_weights))
    assert (
        list(module.state_dict())
        == ["dense__kernel", "dense__bias", "dense_1__kernel", "dense_1__bias"]
        or len(module.state_dict()) == 4
    )
    x = torch.randn(16, 4)
    target = torch.randn(16, 1)
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    before = model.get_weights()
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(module(x), target)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < losses[0]
    after = model.get_weights()  # kcore sees torch's updates: the parameters are shared
    assert any(not np.allclose(a, b) for a, b in zip(before, after))


def test_unbuilt_model_is_rejected():
    with pytest.raises(ValueError, match="must be built"):
        as_module(keras.Sequential([keras.layers.Dense(2)]))
