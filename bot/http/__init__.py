"""The bot's own HTTP port (KCHAT_HTTP_PORT): the operator's endpoints, and room for more."""
