"""The sandbox page: index.html, app.js and style.css (package data, served by web.py)."""
