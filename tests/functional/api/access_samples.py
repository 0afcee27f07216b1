"""URL values for the access test: the API's catch-all for unknown addresses."""


def add_samples(db, base) -> dict:
    return {"rest": "no-such-endpoint"}
