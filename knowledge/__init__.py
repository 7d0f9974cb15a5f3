"""The knowledge base of service items (办事指南): format, loader, validator, matcher, data."""
