"""The register of residents (居民登记) and the places it keeps them in: each audience's pages.

`residents.py` (a person's own standing and the household code), `officials.py` (the
register's desk for the communities an official keeps), `admin.py` (places and who keeps
them). The rules are in votes/places.py and votes/residence.py.
"""
