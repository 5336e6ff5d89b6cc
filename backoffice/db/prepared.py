"""A queryset whose SQL is built once per database and run again with new values.

For the few queries every public request makes (the content generation of the page cache,
the follow-up page's question): building their SQL costs the ORM more than SQLite or
PostgreSQL take to run them. The queryset is written as usual, with a stand-in for each
value that changes; its SQL and parameters are kept per database alias and vendor, and each
run puts the values in the stand-ins' places.

    QUESTION = Prepared(lambda ref: Question.objects.filter(reference=ref), "ref")
    sql, params = QUESTION.sql(alias, ref="WW-2026-000001")
    Question.objects.using(alias).raw(sql, params)
"""

from __future__ import annotations

import threading

from django.db import connections


class Prepared:
    def __init__(self, build, *names: str):
        self._build = build
        self._names = names
        self._kept: dict = {}
        self._lock = threading.Lock()

    def sql(self, alias: str, **values) -> tuple[str, list]:
        vendor = connections[alias].vendor
        kept = self._kept.get((alias, vendor))
        if kept is None:
            markers = {name: f"\x00{name}\x00" for name in self._names}
            queryset = self._build(*markers.values()).using(alias)
            sql, params = queryset.query.get_compiler(using=alias).as_sql()
            params = list(params)
            places = {name: params.index(marker) for name, marker in markers.items()}
            kept = (sql, params, places)
            with self._lock:
                self._kept[(alias, vendor)] = kept
        sql, params, places = kept
        params = list(params)
        for name, place in places.items():
            params[place] = values[name]
        return sql, params
