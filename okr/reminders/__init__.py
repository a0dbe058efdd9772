"""Reminders: what is due, for whom and when, posted to the outbox (okr.notify) on the company's calendar."""
