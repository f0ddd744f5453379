"""Serialization of kcore objects in Keras 3's config format.

A serialized object is ``{"module": ..., "class_name": ..., "config": ..., "registered_name":
...}``, as Keras 3 writes it, so configs move between Keras and kcore. Class names resolve only
through custom objects, the registration decorator and the plugin registries: deserializing
never imports a module named in a config.
"""

from kcore.saving._serialization import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_keras_object",
]
