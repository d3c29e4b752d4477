"""Every DDNS fact survives `export programme` → `import programme` into an empty database.

The facts tests of test_ddns_facts.py run again here, on a database that holds nothing but
what the two exported programme files brought.
"""

import pytest

from tests.seed.programme_files import empty_the_database, export_all, import_all
from tests.seed.test_ddns_facts import *  # noqa: F403 - the same tests, on the imported copy


@pytest.fixture
def app(app):
    files = export_all()
    empty_the_database()
    import_all(files)
    return app
