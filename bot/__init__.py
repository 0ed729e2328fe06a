"""KChat: the order chat of a digital-goods marketplace."""
