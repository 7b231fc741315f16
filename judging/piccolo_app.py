"""Piccolo app of the judging engine; its tables reference the contest app's, so it migrates after it."""

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="judging",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(
        modules=[
            "judging.assignment.tables",
            "judging.judges.tables",
            "judging.conflicts.tables",
            "judging.defence.tables",
            "judging.rubrics.tables",
            "judging.sheets.tables",
            "judging.results.tables",
        ],
        exclude_imported=True,
    ),
    migration_dependencies=["contest.piccolo_app"],
    commands=[],
)
