"""Root test configuration.

The simulator's package is named like its folder (``sim/``). Imported first, the real
package wins; otherwise collecting ``sim/tests`` can register the folder as a namespace
package named ``sim`` and later ``import sim.config`` fails. A member's tests run in an
environment of that member alone (``make test-members``) may not have the simulator, and
then do not collect ``sim/tests`` either.
"""

import contextlib

with contextlib.suppress(ModuleNotFoundError):
    import sim  # noqa: F401
