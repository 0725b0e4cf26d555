"""`python -m acc_mcp`: the same as the `acc-mcp` command."""

from .cli import main

raise SystemExit(main())
