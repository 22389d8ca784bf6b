"""``python -m imageops`` is the ``imageops`` command."""

import sys

from imageops.cli import main

if __name__ == "__main__":
    sys.exit(main())
