"""kcore-optim: optimizers, learning-rate schedules, losses and metrics for kcore.

Everything here computes through ``kcore.ops``; it never imports a framework.
"""
