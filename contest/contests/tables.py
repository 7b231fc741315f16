"""A contest (one edition of the competition). Its rules and tracks grow with later work."""

from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table


class Contest(Table):
    slug = Varchar(length=64, unique=True)
    name_zh = Varchar(length=200)
    name_en = Varchar(length=200, default="")
    # Deadlines are stored in UTC and shown in this zone.
    time_zone = Varchar(length=64, default="Asia/Shanghai")
    created_at = Timestamptz()
