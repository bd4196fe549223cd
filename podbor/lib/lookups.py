"""``field__any_of=[...]``: membership in a long list, sent as one parameter.

``field__in`` sends every value as its own parameter: for a few thousand values (the one-digit variants of a batch
of phone numbers) preparing, quoting and planning the list cost ten times what the query does. PostgreSQL gets one
array (``= ANY(%s)``), SQLite one JSON text it unpacks itself (``IN (SELECT value FROM json_each(%s))``, still
an index lookup per value); other databases the ordinary ``IN (...)``.
"""

import json

from django.db.models import CharField, Lookup
from django.db.models.lookups import In


@CharField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"

    def get_prep_lookup(self):
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, json.dumps(list(self.rhs)))  # noqa: S608 - lhs is a column
        return In(self.lhs, self.rhs).as_sql(compiler, connection)
