"""``python -m discourse``: the same as the ``discourse`` console script."""

from discourse._entry import main

main()
