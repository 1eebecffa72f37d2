import gc
import sys

from bot.cli import main

# What the imports made (scikit-learn, SciPy, NumPy: about 90,000 objects) lives as long as
# the process. Frozen, it is never scanned by the collector again; otherwise the first full
# collection, in the middle of start-up, costs about 40 ms (a fifth of what
# `python -m bot ask` does beyond importing scikit-learn).
gc.freeze()
sys.exit(main())
