"""`python -m services.extractor --articles FILE` writes one JSON line per article."""

import sys

from .batch import main

sys.exit(main())
