"""``kcore.layers``: the core's ``Layer``, ``Input``, ``InputLayer``, ``InputSpec``, plus every
layer the installed plugins register (resolved lazily; see ``kcore plugins``)."""

from kcore._namespace import install

install(
    __name__,
    "layers",
    core={
        "Layer": "kcore._layer:Layer",
        "Input": "kcore._functional:Input",
        "InputLayer": "kcore._functional:InputLayer",
        "InputSpec": "kcore._layer:InputSpec",
    },
)
