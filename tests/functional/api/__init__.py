"""Functional tests of the JSON API as described by its OpenAPI document."""
