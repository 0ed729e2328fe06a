"""What goes out: the outbox drained to Telegram, live order cards, ticket cards."""
