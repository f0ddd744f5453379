"""Losses (``kcore.losses``): the ``Loss`` base, Keras 3's loss classes and loss functions.

Modules: ``loss`` (base class, reductions), ``regression`` / ``regression_losses``,
``probabilistic`` (crossentropy functions) with ``binary``, ``categorical``,
``sparse_categorical`` and ``divergence`` (their classes), ``hinge``, ``segmentation`` and
``ctc``. Users reach them through ``kcore.losses.<Name>``; this package imports nothing eagerly.
"""
