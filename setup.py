"""Builds the package (its metadata is in pyproject.toml).

The starter `factcheck init` writes shares files with this project's own site: the settings,
the rating scale, the schemas, the theme overrides and the hand-written pages. They are kept
once, at the top of the repository, and copied into the package when it is built
(factcheck/starter_files/shared/); a checkout's `factcheck init` reads them where they are.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHARED = ("mkdocs.yml", "rating-scale.yml", "schemas", "overrides", "docs")  # factdesk.starter.SHARED


class BuildWithStarter(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # the package stays in the checkout, which has the files itself
            return
        target = Path(self.build_lib) / "factdesk" / "starter_files" / "shared"
        for name in SHARED:
            if (HERE / name).is_dir():
                shutil.copytree(HERE / name, target / name, dirs_exist_ok=True)
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(HERE / name, target / name)


setup(cmdclass={"build_py": BuildWithStarter})
