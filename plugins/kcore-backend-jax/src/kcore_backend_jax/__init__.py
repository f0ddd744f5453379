"""kcore-backend-jax: runs kcore on jax. Import `kcore_backend_jax.backend` for the backend class."""
