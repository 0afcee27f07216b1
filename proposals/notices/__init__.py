"""Notices that leave the site: the outbox of deliveries by email and SMS, and who wants which."""
