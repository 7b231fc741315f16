"""Piccolo app of the contest domain: accounts, regions, contests, teams, mail, audit log, job outbox."""

import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="contest",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(
        modules=[
            "contest.regions.tables",
            "contest.contests.tables",
            "contest.accounts.tables",
            "contest.lib.audit.tables",
            "contest.lib.outbox.tables",
            "contest.teams.tables",
            "contest.lib.mail.tables",
            "contest.rounds.tables",
            "contest.submissions.tables",
        ],
        exclude_imported=True,
    ),
    migration_dependencies=[],
    commands=[],
)
