"""Assisted entries: the resident's page that confirms what staff entered in their name
(residents.py) and the officials' forms that enter co-signs and ratings for a resident
(officials.py). The rules are in proposals/assisted/."""
