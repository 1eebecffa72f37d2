import gc
import sys

from bot.cli import main

# What the imports made (scikit-learn, SciPy, NumPy: tens of thousands of objects) lives as
# long as the process. Frozen, it is never scanned by the collector again, and the first full
# collection does not land in the middle of start-up.
gc.freeze()
sys.exit(main())
