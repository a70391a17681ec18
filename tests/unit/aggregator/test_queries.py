"""Query parameter validation."""

from __future__ import annotations

import pytest

from services.aggregator import queries
from services.aggregator.openapi import openapi_document


@pytest.mark.parametrize("params, message", [
    ({}, "actor"),
    ({"actor": "CHN", "from": "2021-13"}, "from"),
    ({"actor": "CHN", "to": "21-01"}, "to"),
    ({"actor": "CHN", "from": "2022-01", "to": "2021-01"}, "after"),
    ({"actor": "CHN", "type": "dinner"}, "type"),
    ({"actor": "CHN", "channel": "pigeon"}, "channel"),
    ({"actor": "CHN", "limit": "0"}, "limit"),
    ({"actor": "CHN", "drop": "table"}, "unknown"),
    ({"actor": "A|B"}, "actor"),
])
def test_bad_parameters_are_refused_with_a_reason(params: dict, message: str) -> None:
    with pytest.raises(queries.BadQuery, match=message):
        queries.parse_query(params)


def test_good_parameters() -> None:
    q = queries.parse_query({"actor": "Xi Jinping", "from": "2021-01", "to": "2021-12",
                             "type": "phone_call", "limit": "5"})
    assert (q.actor, q.start, q.end, q.type, q.limit) == ("Xi Jinping", "2021-01", "2021-12",
                                                          "phone_call", 5)


def test_period_bounds() -> None:
    assert queries.period_bounds("2021") == ("2021-01-01", "2021-12-31")
    assert queries.period_bounds("2021-02") == ("2021-02-01", "2021-02-31")
    assert queries.period_bounds("2020-01-01/2022-10-21") == ("2020-01-01", "2022-10-21")


def test_openapi_lists_every_table() -> None:
    doc = openapi_document()
    names = doc["paths"]["/tables/{name}"]["get"]["parameters"][0]["schema"]["enum"]
    assert set(names) == set(queries.TABLE_QUERIES)
