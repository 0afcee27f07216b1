"""Assisted entries (代为录入): what staff enter on behalf of a named resident who has a
confirmed mobile number waits for that resident's own word before it counts."""
