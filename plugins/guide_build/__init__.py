"""guide_build: run Pelican the way this project's Makefile needs it.

`python -m guide_build` takes Pelican's own arguments and builds into a staging
folder beside the output folder. Only a build with no error, whose checks all
passed, replaces the output folder, in one rename. Problems are printed one per
line, without a Python traceback (`--debug` shows it).
"""
