"""The flows of the service center as plain async functions: each takes the session and plain
values, does the storage calls, decides who is told (as `services.notices.Notice` values the
bot queues), and returns what happened. Nothing here knows a channel, an event or a handler."""
