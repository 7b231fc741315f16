"""A contest (one edition of the competition), its team rules and its tracks."""

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class Contest(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    slug = Varchar(length=64, unique=True)
    name_zh = Varchar(length=200)
    name_en = Varchar(length=200, default="")
    # Deadlines are stored in UTC and shown in this zone.
    time_zone = Varchar(length=64, default="Asia/Shanghai")
    created_at = Timestamptz()
    registration_opens_at = Timestamptz(null=True, default=None)
    # Rosters lock when now >= this instant (on the injected clock).
    registration_deadline = Timestamptz(null=True, default=None)
    min_team_size = Integer(default=1)
    max_team_size = Integer(default=3)
    max_advisors = Integer(default=1)
    same_university = Boolean(default=True)
    # The personal-data notice people consent to when they register.
    privacy_notice_zh = Text(default="")
    privacy_notice_en = Text(default="")
    # The organizers' notice on the home page (news, what to do now).
    announcement_zh = Text(default="")
    announcement_en = Text(default="")


class Track(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    contest = ForeignKey(Contest, null=False, index=True)
    code = Varchar(length=32)
    name_zh = Varchar(length=100)
    name_en = Varchar(length=100, default="")
    sort_order = Integer(default=0)
