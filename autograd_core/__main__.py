"""``python -m autograd_core`` runs the command line."""

import sys

from autograd_core.cli import main

sys.exit(main())
