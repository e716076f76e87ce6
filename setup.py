"""The build step pyproject.toml's metadata cannot say: the browser files (scripts/build_assets.py).

A wheel gets the page, its templates, the lockfile's browser builds and the notebook widget's bundle
under app/_assets/, all made here and never committed. An editable install (`make install`) builds only
the widget's bundle, into the checkout's app/_assets/; the page is served from the checkout itself.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

sys.path.insert(0, str(Path(__file__).resolve().parent / "scripts"))

import build_assets


class BuildPyWithAssets(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            build_assets.build(Path(__file__).resolve().parent / "app" / "_assets")
        else:
            build_assets.build(Path(self.build_lib) / "app" / "_assets", page=True)


setup(cmdclass={"build_py": BuildPyWithAssets})
