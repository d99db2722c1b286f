"""The password hasher: Argon2id, with parameters measured on the machines it runs on.

Django's Argon2PasswordHasher (2 passes over 100 MiB, 8 lanes) costs about 240 ms of CPU
for every login on the 2-core machines measured (benchmarks/bench_argon2.py): 500 logins
within a minute would take the whole machine for checking passwords alone, and 16 logins
at once 1.6 GB of memory. OWASP's Argon2id setting of 2 passes over 19 MiB, 1 lane, costs
about 30 ms. The figures and the reasons: docs/decisions.md, "Argon2 parameters".

A hash keeps the parameters it was made with, so older hashes still check; Django makes
the hash again with these parameters at the user's next successful login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2Hasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB: 19 MiB
    parallelism = 1
