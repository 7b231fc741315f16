"""The ranking, analytics, advancement and awards modules load nothing of the web, the ORM or storage."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_pure_modules_import_no_framework_or_storage():
    probe = (
        "import sys\n"
        "import judging.ranking.__main__, judging.analytics, judging.advancement, judging.awards\n"
        "banned = ('contest', 'frontend', 'storage', 'piccolo', 'litestar', 'asyncpg', 'minio', 'arq')\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & set(banned)))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert loaded.stdout.strip() == "[]"
