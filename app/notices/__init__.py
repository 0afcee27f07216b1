"""Notices that leave the site: rendering, email over SMTP, SMS gateways, the RQ worker."""
