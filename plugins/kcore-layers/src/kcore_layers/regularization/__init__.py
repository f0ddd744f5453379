"""Regularization layers: Dropout, ActivityRegularization (one public class per module)."""
