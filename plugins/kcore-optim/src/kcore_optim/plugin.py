"""Entry point of kcore-optim: registers every component lazily (nothing heavy imported here).

The name lists live in two small modules, one for optimizers and schedules and one for losses
and metrics, so each family's registration sits next to its code's layout.
"""

import kcore


@kcore.hookimpl
def kcore_optimizers():
    from kcore_optim._registry_optimizers import optimizer_specs

    return optimizer_specs()


@kcore.hookimpl
def kcore_schedules():
    from kcore_optim._registry_optimizers import schedule_specs

    return schedule_specs()


@kcore.hookimpl
def kcore_losses():
    from kcore_optim._registry_losses import loss_specs

    return loss_specs()


@kcore.hookimpl
def kcore_metrics():
    from kcore_optim._registry_losses import metric_specs

    return metric_specs()
