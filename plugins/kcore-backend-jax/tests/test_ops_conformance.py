from kcore.testing.ops_suite import *  # noqa: F401,F403
