"""A database error logged with a failed request's traceback does not carry the values."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, MetaData, String, Table, insert
from sqlalchemy.exc import IntegrityError

from borderpost.db import make_engine


def test_a_database_error_does_not_show_the_statements_values() -> None:
    engine = make_engine("sqlite://")
    people = Table("people", MetaData(), Column("document", String, unique=True))
    people.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(people).values(document="L1234567"))
    with pytest.raises(IntegrityError) as error, engine.begin() as connection:
        connection.execute(insert(people).values(document="L1234567"))
    assert "L1234567" not in str(error.value)
    assert "UNIQUE constraint failed" in str(error.value)
