"""Piccolo's configuration module (PICCOLO_CONF=contest.piccolo_conf).

`DB` starts as the engine the environment describes, for Piccolo's own CLI
(`piccolo migrations new contest --auto`); the platform rebinds it with `contest.db.bind_engine`.
"""

from piccolo.conf.apps import AppRegistry

from contest.db import APPS, create_engine
from contest.settings import load_settings

DB = create_engine(load_settings())
APP_REGISTRY = AppRegistry(apps=list(APPS))
