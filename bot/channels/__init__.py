"""Channels turn what arrives (Telegram update, console line) into core events and render replies."""
