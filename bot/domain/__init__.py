"""The pure core: no Telegram, no I/O, no clock. Time is always an argument."""
