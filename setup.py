"""Packaging for een-tui: a terminal tool for Eagle Eye Networks cloud cameras."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(
    r'__version__ = "([^"]+)"', (HERE / "een_tui" / "__init__.py").read_text()
).group(1)

setup(
    name="een-tui",
    version=VERSION,
    description="Terminal UI and CLI for Eagle Eye Networks cloud cameras, with an EEN v1 emulator",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.10",
    packages=find_packages(include=["een_tui", "een_tui.*"]),
    install_requires=[
        "gevent>=24.2",
        "requests>=2.31",
        # urwid 5 needs Python 3.11; on 3.10 the same code runs on urwid 4.2 (tested).
        "urwid>=5,<6; python_version>='3.11'",
        "urwid>=4.2,<5; python_version<'3.11'",
        "Pillow>=10",
        "platformdirs>=4",
        "werkzeug>=3",
        "tenacity>=8.2",
        'tomli; python_version<"3.11"',
        # time zones for ranges and frame times on machines without the system tz database
        "tzdata",
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "pytest-timeout>=2.3",
            "pexpect>=4.9",
            "pyte>=0.8.2",
            "hypothesis>=6.100",
            "ruff>=0.6",
            "av>=12",
        ],
        # MP4 timelapses (`een-tui timelapse -o out.mp4`); PyAV's wheels carry their own ffmpeg.
        "video": ["av>=12"],
    },
    entry_points={"console_scripts": ["een-tui = een_tui.cli:entry"]},
    classifiers=[
        "Environment :: Console :: Curses",
        "Programming Language :: Python :: 3",
        "Topic :: Multimedia :: Video",
    ],
)
