"""Plain helpers every feature may use: tokens, field errors, text, zones, time formatting,
typed events. Pure Python: no Flask or SQLAlchemy import, so the pure core can use them too."""
