"""``kcore.callbacks``: the core's ``Callback``, ``CallbackList``, ``History``, ``ProgbarLogger``,
plus every callback the installed plugins register (resolved lazily; see ``kcore plugins``)."""

from kcore._namespace import install

install(
    __name__,
    "callbacks",
    core={
        "Callback": "kcore.callbacks_base:Callback",
        "CallbackList": "kcore.callbacks_base:CallbackList",
        "History": "kcore.callbacks_base:History",
        "ProgbarLogger": "kcore.callbacks_base:ProgbarLogger",
    },
)
