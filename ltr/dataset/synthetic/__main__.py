"""``python -m ltr.dataset.synthetic OUT_DIR ...``: see :func:`ltr.dataset.synthetic.main`."""
import sys

from ltr.dataset.synthetic import main

sys.exit(main())
