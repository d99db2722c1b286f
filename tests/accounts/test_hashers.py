"""The password hasher: Argon2id with the parameters measured for issue 11 (docs/decisions.md,
"Argon2 parameters"); hashes made with Django's default parameters still check, and are
made again with giaoban's at the next login."""

import os
import subprocess
import sys

from django.contrib.auth.hashers import Argon2PasswordHasher

from giaoban.accounts.hashers import Argon2Hasher
from tests.bench_run import BENCHMARKS
from tests.conftest import PASSWORD

PRODUCTION = ["giaoban.accounts.hashers.Argon2Hasher"]


def parameters(encoded):
    return encoded.split("$")[:4]


def test_it_is_argon2id_over_19_mib_in_two_passes_one_lane():
    encoded = Argon2Hasher().encode(PASSWORD, "somesaltvalue123")
    assert parameters(encoded) == ["argon2", "argon2id", "v=19", "m=19456,t=2,p=1"]
    assert Argon2Hasher().verify(PASSWORD, encoded)
    assert not Argon2Hasher().verify("sai-mat-khau", encoded)


def test_an_older_hash_checks_and_is_made_again_at_login(cast, client, settings):
    settings.PASSWORD_HASHERS = PRODUCTION
    user = cast.officer_a
    user.password = Argon2PasswordHasher().encode(PASSWORD, "somesaltvalue123")
    user.save(update_fields=["password"])
    assert parameters(user.password)[3] == "m=102400,t=2,p=8"  # Django's default

    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert parameters(user.password) == ["argon2", "argon2id", "v=19", "m=19456,t=2,p=1"]
    assert user.check_password(PASSWORD)


def test_the_benchmark_measures_the_hasher_in_use():
    """benchmarks/bench_argon2.py still runs (--quick), on giaoban's own settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIAOBAN_", "DJANGO_"))}
    done = subprocess.run(  # noqa: S603 — our own script
        [sys.executable, str(BENCHMARKS / "bench_argon2.py"), "--quick"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Processor: " in done.stdout
    assert "giaoban's hasher (Argon2Hasher): time cost 2, memory 19 MiB, parallelism 1" in (
        done.stdout
    )
    assert "500 logins within a minute" in done.stdout
