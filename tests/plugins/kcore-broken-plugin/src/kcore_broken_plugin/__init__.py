"""A deliberately broken kcore plugin (test fixture)."""
