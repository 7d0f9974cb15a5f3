"""Conversation handlers: one module per capability, thin over domain and storage functions."""
