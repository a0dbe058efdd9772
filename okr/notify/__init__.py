"""Messages that reach people: an outbox of notices, delivered by email or a group chat robot."""
