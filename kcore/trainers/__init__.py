"""The training loop (``Trainer``), data adapters, compile utilities and the generic step runner."""
