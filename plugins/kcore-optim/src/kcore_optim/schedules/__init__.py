"""Learning-rate schedules: one class per module, registered lazily by ``kcore_optim.plugin``.

Users reach them as ``kcore.optimizers.schedules.<Name>``; nothing here is imported eagerly.
"""
