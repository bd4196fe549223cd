"""``field__any_of=[...]``: membership in a long list, sent as one array parameter on PostgreSQL.

``field__in`` sends every value as its own parameter: for a few thousand values (the one-digit variants of a batch
of phone numbers) quoting them and planning the list cost ten times what the query does. ``= ANY(%s)`` sends one
array. Other databases get the ordinary ``IN (...)``; keep lists there under their parameter limit.
"""

from django.db.models import CharField, Lookup
from django.db.models.lookups import In


@CharField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"

    def get_prep_lookup(self):
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))
