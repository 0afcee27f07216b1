"""Council pages for the residents audience (to be written)."""
