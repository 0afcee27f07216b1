"""Evaluation pages for the officials audience (to be written)."""
