"""The world's rows, kept aside once and put back before each form is fuzzed.

Each form then meets the same objects: a petition closed by one form's buttons is open again
for the next, and a page listing what earlier forms created does not grow slower form by form.
Putting back ~40 small tables is one round trip, cheaper than making the world again.
"""

from sqlalchemy import Engine, text

from campaign.extensions import db

SCHEMA = "fuzz_world"


class Snapshot:
    def __init__(self, engine: Engine):
        self.engine = engine
        tables = [table.name for table in db.metadata.sorted_tables]
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
            for name in tables:
                connection.execute(text(f'CREATE TABLE {SCHEMA}."{name}" AS TABLE public."{name}"'))
        # Foreign keys are not checked while the rows go back (replica mode), so the order of
        # the tables does not matter; the rows are as consistent as when they were kept.
        self._restore = "".join(
            [
                "SET LOCAL session_replication_role = replica;",
                *(f'DELETE FROM public."{name}";' for name in tables),  # noqa: S608 - the app's own tables
                *(f'INSERT INTO public."{name}" SELECT * FROM {SCHEMA}."{name}";' for name in tables),  # noqa: S608
            ]
        )

    def restore(self) -> None:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self._restore)
