"""The test suite (this runs before any conftest: the setting below must precede every import)."""

import sys

# Keep the bytecode compiled here (in __pycache__, which git ignores) even where
# PYTHONDONTWRITEBYTECODE is set: otherwise each of the suite's processes (two xdist workers, and
# the Celery workers, gunicorn and flask run they start, which read it) compiles the app again and
# pytest rewrites every test module's asserts again: 7 s of the 9 s a collection took.
sys.dont_write_bytecode = False
