"""The ``ledger`` command line (click). Nothing imports this package."""
