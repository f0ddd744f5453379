"""Optimizers: one class per module, registered lazily by ``kcore_optim.plugin``.

Users reach them as ``kcore.optimizers.<Name>`` or by alias (``"adam"``); nothing here is
imported eagerly.
"""
