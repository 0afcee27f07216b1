"""Council pages for the delegates audience (to be written)."""
