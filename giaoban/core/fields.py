"""Model fields shared by the apps."""

import orjson
from django.db import models


class FastJSONField(models.JSONField):
    """A JSONField decoded by orjson when read.

    Roll-up rows hold one bucket of about 65 indicators each, and a wide per-child table
    reads hundreds of them: with the standard library's decoder that alone took half of
    a 500-child roll-up read. Stored the same way as JSONField (no schema change); a
    value orjson refuses (an integer beyond 64 bits) falls back to the standard decoder.
    """

    def from_db_value(self, value, expression, connection):
        if isinstance(value, (str, bytes)) and self.decoder is None:
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                pass
        return super().from_db_value(value, expression, connection)
