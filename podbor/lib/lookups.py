"""``field__any_of=[...]``: membership in a list, sent as one parameter (text and integer fields, ids among them).

``field__in`` sends every value as its own parameter: for a few thousand values (the one-digit variants of a batch
of phone numbers) preparing, quoting and planning the list cost ten times what the query does, and a statement
compiled or prepared once differs with every length of the list. PostgreSQL gets one array (``= ANY(%s)``), SQLite
one JSON text it unpacks itself (``IN (SELECT value FROM json_each(%s))``, still an index lookup per value); other
databases the ordinary ``IN (...)``.
"""

import json

from django.db.models import CharField, IntegerField, Lookup
from django.db.models.lookups import In


def any_of_parameter(vendor: str, values) -> object:
    """The one parameter ``__any_of`` sends for ``values`` (a statement compiled once can be run with others)."""
    if vendor == "postgresql":
        return list(values)
    if vendor == "sqlite":
        return json.dumps(list(values))
    raise NotImplementedError(f"__any_of has no single parameter on {vendor}")


@CharField.register_lookup
@IntegerField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"

    def get_prep_lookup(self):
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, any_of_parameter(connection.vendor, self.rhs))
        if connection.vendor == "sqlite":
            return (f"{lhs} IN (SELECT value FROM json_each(%s))",  # noqa: S608 - lhs is a column
                    (*lhs_params, any_of_parameter(connection.vendor, self.rhs)))
        return In(self.lhs, self.rhs).as_sql(compiler, connection)
