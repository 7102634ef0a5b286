"""Letter facts of the journal's languages, in one place (as ftfy's ``chardata``).

Kyrgyz is Russian Cyrillic plus ң ө ү; legacy fonts put other code points in
their place. Everything that needs to know a letter's script or role reads it
from here, never from its own table.
"""

from __future__ import annotations

#: The legacy-font letter that stands for ү in the seed's body font, and the real one.
LEGACY_UE, REAL_UE = "\u04a5", "\u04af"  # ҥ, ү
