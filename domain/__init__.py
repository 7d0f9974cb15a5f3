"""Domain rules as plain functions: working days, deadlines, slots, masking. No Telegram, no SQL."""
