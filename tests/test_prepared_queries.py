"""backoffice.db.prepared: a queryset's SQL built once per database, run with new values,
gives what the queryset itself gives."""

import pytest

from backoffice.db.prepared import Prepared
from backoffice.models import Municipality
from tests import factories


@pytest.mark.django_db
def test_a_prepared_query_answers_as_its_queryset_for_each_value():
    gent = factories.place("gent")
    factories.place("antwerpen")

    def by_name(name):
        return Municipality.objects.filter(name=name).order_by("pk")

    prepared = Prepared(by_name, "name")
    for municipality in Municipality.objects.all():
        sql, params = prepared.sql("default", name=municipality.name)
        found = list(Municipality.objects.raw(sql, params))
        assert found == list(by_name(municipality.name))
    sql, params = prepared.sql("default", name="Nowhere")
    assert list(Municipality.objects.raw(sql, params)) == []
    assert gent.name in {m.name for m in Municipality.objects.all()}
