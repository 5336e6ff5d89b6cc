"""The access matrix harness: (URL, role) → expected outcome.

Every feature adds its URLs to a table like MATRIX in its own test module and runs it through
`outcome`. Outcomes: "ok" (200), "login" (sent to a sign-in page), "denied" (403, or sent
elsewhere without the content).
"""

OK, LOGIN, DENIED = "ok", "login", "denied"


def outcome(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code in (301, 302):
        return LOGIN if "login" in response["Location"] else DENIED
    if response.status_code in (403, 404):
        return DENIED
    raise AssertionError(f"unexpected status {response.status_code}")


def expand(row: dict, roles: list[str]) -> dict:
    """A row may give a default with "*" and override single roles."""
    return {role: row.get(role, row.get("*")) for role in roles}
