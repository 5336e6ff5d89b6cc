"""Secret access codes for newcomers: high entropy, readable aloud, stored only as a hash."""

import hashlib
import hmac
import secrets

from django.conf import settings

# Capital letters without look-alikes (no I/L/1, O/0/Q/D, B/8, S/5, Z/2, G/6, U/V).
ALPHABET = "ACEFHJKMNPRTWXY"
GROUPS, GROUP_SIZE = 5, 4  # 20 letters from 15: about 78 bits


def new_access_code() -> str:
    letters = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return "-".join(letters[i : i + GROUP_SIZE] for i in range(0, len(letters), GROUP_SIZE))


def access_code_for_submission(submission_token) -> str:
    """The code of the question a form made, derived from the form's submission token with a
    keyed hash (HMAC, SECRET_KEY), so that a second response to the same form (a double
    click, a response lost and the form sent again) can show the same code again.

    The token is a random UUID given only to the browser that holds the form, so the code is
    as unguessable as a random one without it; the database keeps only the code's hash.
    """
    key = hashlib.sha256(b"wegwijs-submission-code:" + settings.SECRET_KEY.encode()).digest()
    number = int.from_bytes(
        hmac.new(key, str(submission_token).lower().encode(), hashlib.sha256).digest(), "big"
    )
    letters = []
    for _ in range(GROUPS * GROUP_SIZE):  # 256 bits -> 20 letters: a negligible bias
        number, index = divmod(number, len(ALPHABET))
        letters.append(ALPHABET[index])
    letters = "".join(letters)
    return "-".join(letters[i : i + GROUP_SIZE] for i in range(0, len(letters), GROUP_SIZE))


def normalise(code: str) -> str:
    """What a person types: lower case, spaces or dashes in other places, all forgiven."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_access_code(code: str) -> str:
    """A keyed hash. The code has ~78 bits of entropy, so a slow password hash adds nothing
    but latency; the key keeps a stolen database from being checked offline."""
    key = hashlib.sha256(b"wegwijs-access-code:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, normalise(code).encode(), hashlib.sha256).hexdigest()


def access_code_matches(code: str, stored_hash: str) -> bool:
    # Compare even when nothing is stored, so timing does not tell whether a reference exists.
    return hmac.compare_digest(hash_access_code(code), stored_hash or "0" * 64)
