"""Every hook kcore calls, in one place.

Hooks are called with keyword arguments only. A hookimpl may accept fewer arguments than its spec
(so specs can grow). Registration hooks are *collected*: kcore calls every plugin's
implementation and indexes the records it returns; they must not import a framework. Runtime
hooks are called while a model runs.

A plugin module, pointed at by the ``kcore.plugins`` entry point, looks like::

    import kcore
    from kcore.records import LayerSpec

    @kcore.hookimpl
    def kcore_layers():
        return [LayerSpec("Dense", "my_layers.dense:Dense")]
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("kcore")

# -------------------------------------------------------------------------------------------------
# Registration hooks: called once, the first time kcore needs the registry of that kind.
# Each returns a list of records (or None); the lists of all plugins are combined, and a name
# registered by two distributions is an error that names both.
# -------------------------------------------------------------------------------------------------


@hookspec
def kcore_backends():
    """Register compute backends.

    Called the first time kcore selects a backend or lists plugins.

    :return: a list of :class:`kcore.records.BackendSpec`. ``load`` must be lazy (a string):
        the framework is imported only when that backend is selected.

    Example::

        @kcore.hookimpl
        def kcore_backends():
            return [BackendSpec("torch", "kcore_backend_torch.backend:TorchBackend",
                                framework="torch")]
    """


@hookspec
def kcore_layers():
    """Register layer classes and layer helper functions (``kcore.layers.<name>``).

    Called the first time a name is looked up in ``kcore.layers`` or a config is deserialized.

    :return: a list of :class:`kcore.records.LayerSpec`.

    Example::

        @kcore.hookimpl
        def kcore_layers():
            return [LayerSpec("Dense", "kcore_layers.core.dense:Dense")]
    """


@hookspec
def kcore_activations():
    """Register activation functions (``kcore.activations.<name>``).

    :return: a list of :class:`kcore.records.ActivationSpec`; ``aliases`` adds string names.

    Example::

        return [ActivationSpec("relu", "kcore_layers.activations:relu")]
    """


@hookspec
def kcore_initializers():
    """Register initializers (``kcore.initializers.<name>``).

    :return: a list of :class:`kcore.records.InitializerSpec`; use ``aliases`` for the
        snake-case string names (``"glorot_uniform"``).

    Example::

        return [InitializerSpec("GlorotUniform", "pkg.init:GlorotUniform",
                                aliases=("glorot_uniform",))]
    """


@hookspec
def kcore_regularizers():
    """Register weight regularizers (``kcore.regularizers.<name>``).

    :return: a list of :class:`kcore.records.RegularizerSpec`.

    Example::

        return [RegularizerSpec("L2", "pkg.regularizers:L2", aliases=("l2",))]
    """


@hookspec
def kcore_constraints():
    """Register weight constraints (``kcore.constraints.<name>``).

    :return: a list of :class:`kcore.records.ConstraintSpec`.

    Example::

        return [ConstraintSpec("NonNeg", "pkg.constraints:NonNeg", aliases=("non_neg",))]
    """


@hookspec
def kcore_optimizers():
    """Register optimizers (``kcore.optimizers.<name>``).

    :return: a list of :class:`kcore.records.OptimizerSpec`; ``aliases`` holds the strings
        ``compile`` accepts (``"adam"``).

    Example::

        return [OptimizerSpec("Adam", "kcore_optim.optimizers.adam:Adam", aliases=("adam",))]
    """


@hookspec
def kcore_schedules():
    """Register learning-rate schedules (``kcore.optimizers.schedules.<name>``).

    :return: a list of :class:`kcore.records.ScheduleSpec`.

    Example::

        return [ScheduleSpec("CosineDecay", "pkg.schedules:CosineDecay")]
    """


@hookspec
def kcore_losses():
    """Register losses (``kcore.losses.<name>``), classes and functions alike.

    :return: a list of :class:`kcore.records.LossSpec`.

    Example::

        return [LossSpec("MeanSquaredError", "pkg.losses:MeanSquaredError", aliases=("mse",))]
    """


@hookspec
def kcore_metrics():
    """Register metrics (``kcore.metrics.<name>``).

    :return: a list of :class:`kcore.records.MetricSpec`.

    Example::

        return [MetricSpec("AUC", "pkg.metrics:AUC", aliases=("auc",))]
    """


@hookspec
def kcore_callbacks():
    """Register training callbacks (``kcore.callbacks.<name>``).

    :return: a list of :class:`kcore.records.CallbackSpec`.

    Example::

        return [CallbackSpec("EarlyStopping", "pkg.callbacks:EarlyStopping")]
    """


@hookspec
def kcore_datasets():
    """Register datasets (``kcore.datasets.<name>``, a module with ``load_data``).

    :return: a list of :class:`kcore.records.DatasetSpec` whose ``load`` names a module.

    Example::

        return [DatasetSpec("mnist", "kcore_zoo.datasets.mnist:module")]
    """


@hookspec
def kcore_applications():
    """Register application model constructors (``kcore.applications.<name>``).

    :return: a list of :class:`kcore.records.ApplicationSpec`.

    Example::

        return [ApplicationSpec("ResNet50", "kcore_zoo.applications.resnet:ResNet50")]
    """


# -------------------------------------------------------------------------------------------------
# Runtime hooks: called while kcore runs a model. They receive the live objects.
# -------------------------------------------------------------------------------------------------


@hookspec
def kcore_data_adapters():
    """Register adapters that let ``fit`` / ``evaluate`` / ``predict`` read foreign inputs.

    Called the first time a training method meets an input type kcore does not know itself.

    :return: a list of :class:`kcore.records.DataAdapterSpec`; each names the types it handles
        by qualified name, so checking never imports a framework.

    Example::

        return [DataAdapterSpec("torch_dataloader", "kcore_backend_torch.data:adapt",
                                handles=("torch.utils.data.dataloader.DataLoader",))]
    """


@hookspec
def kcore_fused_kernels(backend):
    """Register backend-native kernels that replace a generic code path with the same numbers.

    Called when a component (an optimizer, a recurrent layer) looks for a fast path on the
    active backend.

    :param backend: the name of the active backend (``"torch"``).
    :return: a list of :class:`kcore.records.FusedKernelSpec` valid for ``backend``.

    Example::

        if backend == "torch":
            return [FusedKernelSpec("Adam", "kcore_backend_torch.fused:adam", backend="torch")]
    """


@hookspec(firstresult=True)
def kcore_layer_base(backend):
    """Give every ``kcore.Layer`` a framework base class while ``backend`` is active.

    Called each time a backend is loaded; the first non-``None`` answer becomes the base of
    ``kcore.Layer`` (so ``isinstance(model, torch.nn.Module)`` holds on torch), and ``None``
    from every plugin restores the plain base. Layers created earlier gain the base too, so the
    class must work on instances whose ``__init__`` never ran its own initialiser.

    :param backend: the name of the backend being loaded (``"torch"``).
    :return: a class, or ``None``.

    Example::

        if backend == "torch":
            from kcore_backend_torch.module import TorchModuleBase
            return TorchModuleBase
    """


@hookspec
def kcore_backend_loaded(backend):
    """Notification: ``backend`` (a :class:`kcore.backend.Backend`) was just selected and loaded.

    Called once per selection, after the ops are bound. Return values are ignored.

    :param backend: the live backend object.

    Example::

        @kcore.hookimpl
        def kcore_backend_loaded(backend):
            logging.getLogger(__name__).info("kcore is using %s", backend.name)
    """
