"""Piccolo's configuration module (PICCOLO_CONF=contest.lib.piccolo_conf).

Piccolo's own CLI (`piccolo migrations new contest --auto`) imports it and needs a `DB`; auto
migrations compare the tables with earlier migration files, not with a database, so a local SQLite
file serves. The platform never uses this engine: `contest.lib.db.bind_engine` replaces it with the
one its settings describe. Nothing here reads the environment.
"""

from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine

# Piccolo apps in migration order: the judging engine's tables reference the contest's.
APPS = ("contest.piccolo_app", "judging.piccolo_app")

DB: Engine[Any] = SQLiteEngine(path="var/contest.sqlite3")
APP_REGISTRY = AppRegistry(apps=list(APPS))
