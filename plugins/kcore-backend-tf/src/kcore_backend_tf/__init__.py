"""kcore-backend-tf: runs kcore on tensorflow. Import `kcore_backend_tf.backend` for the backend class."""
