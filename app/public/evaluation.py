"""Evaluation pages for the public audience (to be written)."""
