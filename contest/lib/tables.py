"""References from infrastructure tables to domain tables, by name.

The audit log and the mail log name a user by a foreign key, but infrastructure never imports a
domain: Piccolo resolves this reference when the table is first used (the schema is unchanged).
"""

from piccolo.columns.reference import LazyTableReference

USER = LazyTableReference(table_class_name="User", module_path="contest.accounts.tables")
