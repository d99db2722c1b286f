"""Model fields shared by the apps."""

import orjson
from django.db import models


class FastJSONField(models.JSONField):
    """A JSONField for documents read far more than queried into: kept as text, decoded by orjson.

    Roll-up rows hold one bucket of about 65 indicators each, and a wide per-child table
    reads hundreds of them. On PostgreSQL the column is `json` (the text as written), not
    `jsonb`: turning 527 `jsonb` buckets back into text took the server 20 ms, `json`
    hands its text over as it is (4 ms), and nothing here filters on what is inside. Reads
    select it as text and orjson decodes it, about twice as fast as the standard library.
    SQLite stores JSON as text anyway. A value orjson refuses (an integer beyond 64 bits)
    falls back to the standard decoder.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def select_format(self, compiler, sql, params):
        if compiler.connection.vendor == "postgresql":
            return f"({sql})::text", params
        return super().select_format(compiler, sql, params)

    def from_db_value(self, value, expression, connection):
        if not isinstance(value, (str, bytes)):
            return value  # None, or already decoded by the driver
        if self.decoder is None:
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
        return super().from_db_value(value, expression, connection)
