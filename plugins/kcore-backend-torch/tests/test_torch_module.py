"""On torch a kcore model is a torch.nn.Module: shared parameters, torch optimizers, state_dict."""

import numpy as np
import pytest

pytest.importorskip("kcore_layers")

import torch  # noqa: E402
from kcore_backend_torch import as_module  # noqa: E402

import kcore as keras  # noqa: E402


def _mlp():
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, name="d0"), keras.layers.Dense(1, name="d1")]
    )


def test_every_layer_is_a_module_even_one_made_before_the_backend_loaded():
    layer = keras.layers.Dense(2)
    assert isinstance(layer, torch.nn.Module)
    assert isinstance(keras.Model, type) and issubclass(keras.Model, torch.nn.Module)
    layer.build((None, 3))
    assert [name for name, _ in layer.named_parameters()] == ["kernel", "bias"]


def test_model_parameters_are_the_kcore_variables_and_train_with_torch_optim():
    model = _mlp()
    params = list(model.parameters())
    assert len(params) == 4 and all(p is w.value for p, w in zip(params, model.trainable_weights))
    assert list(model.state_dict()) == ["d0.kernel", "d0.bias", "d1.kernel", "d1.bias"]
    x = torch.randn(16, 4)
    target = torch.randn(16, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = model.get_weights()
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), target)
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < losses[0]
    after = model.get_weights()  # kcore sees torch's updates: the parameters are shared
    assert any(not np.allclose(a, b) for a, b in zip(before, after))


def test_state_dict_round_trip_loads_in_place():
    source, target = _mlp(), _mlp()
    target.load_state_dict(source.state_dict())
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    np.testing.assert_allclose(source.predict(x, verbose=0), target.predict(x, verbose=0))


def test_non_trainable_variables_are_frozen_parameters():
    model = _mlp()
    model.layers[0].trainable = False
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    assert names == ["d1.kernel", "d1.bias"]


def test_kcore_model_nests_inside_a_torch_module():
    class Head(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = _mlp()
            self.scale = torch.nn.Parameter(torch.tensor(2.0))

        def forward(self, x):
            return self.body(x) * self.scale

    head = Head()
    assert len(list(head.parameters())) == 5
    assert "body.d0.kernel" in head.state_dict()
    out = head(torch.ones(2, 4))
    out.sum().backward()
    assert head.body.layers[0].kernel.value.grad is not None
    head.eval()
    assert head.body.training is False


def test_kcore_fit_still_works_on_a_module_and_forward_calls_the_model():
    model = _mlp()
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(1).standard_normal((32, 4)).astype("float32")
    history = model.fit(x, x[:, :1], epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    np.testing.assert_allclose(
        model.forward(torch.as_tensor(x)).detach().numpy(), model.predict(x, verbose=0), rtol=1e-6
    )


def test_as_module_returns_the_model_and_rejects_an_unbuilt_one():
    model = _mlp()
    assert as_module(model) is model
    with pytest.raises(ValueError, match="must be built"):
        as_module(keras.Sequential([keras.layers.Dense(2)]))


def test_deepcopy_of_a_built_model_copies_its_weights():
    import copy

    model = _mlp()
    clone = copy.deepcopy(model)
    assert isinstance(clone, torch.nn.Module)
    assert clone.layers[0].kernel.value is not model.layers[0].kernel.value
    for a, b in zip(model.get_weights(), clone.get_weights()):
        np.testing.assert_array_equal(a, b)
