"""Pure views: texts, keyboards and callback data, from domain values to what a phone shows."""
