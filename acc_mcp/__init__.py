"""acc-mcp: an MCP server for Autodesk Construction Cloud."""

__version__ = "0.1.0"
