"""Root test configuration.

The simulator's package is named like its folder (``sim/``). Imported first, the real
package wins; otherwise collecting ``sim/tests`` can register the folder as a namespace
package named ``sim`` and later ``import sim.config`` fails.
"""

import sim  # noqa: F401
