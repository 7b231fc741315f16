"""Regions (赛区), their provinces and the universities that belong to them."""

from piccolo.columns import ForeignKey, Integer, Serial, Text, Varchar
from piccolo.table import Table


class Region(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    code = Varchar(length=8, unique=True)
    name_zh = Varchar(length=32)
    name_en = Varchar(length=64)
    sort_order = Integer(default=0)


class Province(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    name_zh = Varchar(length=32, unique=True)
    region = ForeignKey(Region, null=False)


class University(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    name_zh = Varchar(length=100, unique=True, index=True)
    name_en = Varchar(length=200, default="")
    region = ForeignKey(Region, null=False)
    # None for overseas universities.
    province = ForeignKey(Province, null=True, default=None)
    # Space-separated e-mail domains used to confirm teachers, e.g. "tsinghua.edu.cn mails.tsinghua.edu.cn".
    email_domains = Text(default="")
    # Search keys from the Chinese name (see contest.regions.search): "zhejiangdaxue", "zjdx".
    pinyin = Varchar(length=400, default="", index=True)
    initials = Varchar(length=100, default="")
