import sys

# An older Python runs this line to print the message, before any import of ours: their syntax needs 3.11.
if sys.version_info < (3, 11):  # noqa: UP036
    sys.exit(f"python -m generator: Python 3.11 or newer is required, this is {sys.version.split()[0]}; "
             "run `make setup` (PYTHON=python3.11 or newer) and use .venv/bin/python -m generator")

from .cli import main  # noqa: E402

if __name__ == "__main__":  # not when a worker process (the build's page hardening) imports the main module again
    sys.exit(main(prog="python -m generator"))
