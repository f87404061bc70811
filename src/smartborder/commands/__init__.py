"""Sub-command groups of the ``smartborder`` CLI, one module per domain (``commands/<domain>.py``
with a ``typer.Typer`` named ``app``), registered in :mod:`smartborder.cli`."""
