"""Build hook: the wheel carries the top-level templates/ and static/ inside the campaign package."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHARED_FOLDERS = ("templates", "static")


class BuildWithSharedFolders(build_py):
    """templates/ and static/ stay at the top of the repository (DESIGN.md), where a checkout and
    an editable install use them. An installed package has no repository beside it, so the
    wheel gets copies as campaign/templates and campaign/static, where create_app() looks first."""

    def run(self):
        super().run()
        if not self.editable_mode:
            for folder in SHARED_FOLDERS:
                self.copy_tree(folder, str(Path(self.build_lib) / "campaign" / folder))


setup(cmdclass={"build_py": BuildWithSharedFolders})
