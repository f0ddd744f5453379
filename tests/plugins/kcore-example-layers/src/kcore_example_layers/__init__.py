"""A third-party layer family for kcore, used by kcore's tests as a fixture."""
