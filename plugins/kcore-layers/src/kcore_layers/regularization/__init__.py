"""Regularization layers: the Dropout family, noise layers and ActivityRegularization."""
