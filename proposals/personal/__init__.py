"""Personal information (个人信息保护法, PIPL): the consent at registration, a person's own data
as a download (export.py), and the deletion of an account (erase.py).

It reads and writes every context's rows about one person, so, like opendata, it may import
every context; nothing imports it but the web shell.
"""
