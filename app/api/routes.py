"""API routes (to be written)."""
