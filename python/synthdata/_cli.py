"""The ``synthdata`` command installed with the wheel: the same code as the binary."""

import sys

from . import _native


def main() -> None:
    """Runs the command with this process's arguments and exits with its code."""
    sys.exit(_native.main(["synthdata", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
