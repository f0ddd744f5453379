"""kcore-backend-torch: runs kcore on torch. Import `kcore_backend_torch.backend` for the backend class."""
