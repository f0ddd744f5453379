"""Metrics (``kcore.metrics``): the ``Metric`` base, Keras 3's metric classes and functions.

Modules: ``metric`` (base class), ``reduction_metrics`` (Mean, Sum, MeanMetricWrapper),
``accuracy_metrics``, ``confusion_utils`` with ``confusion_metrics``,
``sensitivity_metrics`` and ``auc``, ``f_score_metrics``, ``regression_metrics``,
``probabilistic_metrics``, ``hinge_metrics`` and ``iou_metrics``. Users reach them through
``kcore.metrics.<Name>``; this package imports nothing eagerly.
"""
