"""Checking the content file's TOML tables: ``Node`` reads typed values and fails with a
``ContentError`` naming the file and the dotted key, e.g.
``content.toml: credentials.cpc.prep_hours must be a number``."""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date
from typing import Any

from .vocabulary import PLACEHOLDERS


class ContentError(ValueError):
    """The content file is missing, unreadable or does not match the schema."""


FORMATTER = string.Formatter()


class Node:
    """A table of the content file with its dotted path, for precise error messages."""

    def __init__(self, data: Mapping[str, Any], path: str, source: str) -> None:
        self.data = data
        self.path = path
        self.source = source

    def where(self, key: str | None = None) -> str:
        if key is None:
            return self.path or "(top level)"
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str | None, message: str) -> ContentError:
        return ContentError(f"{self.source}: {self.where(key)} {message}")

    def has(self, key: str) -> bool:
        return key in self.data

    def only(self, *allowed: str) -> None:
        for key in self.data:
            if key not in allowed:
                raise self.fail(key, f"is not a known key (expected one of: {', '.join(allowed)})")

    def raw(self, key: str) -> Any:
        if key not in self.data:
            raise self.fail(key, "is missing")
        return self.data[key]

    def table(self, key: str) -> Node:
        value = self.raw(key)
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return Node(value, self.where(key), self.source)

    def tables(self, key: str) -> list[Node]:
        value = self.raw(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(key, "must be a list of tables ([[...]])")
        return [Node(v, f"{self.where(key)}[{i}]", self.source) for i, v in enumerate(value)]

    def sub_tables(self) -> list[tuple[str, Node]]:
        """Every entry of this table, each required to be a table itself."""
        return [(key, self.table(key)) for key in self.data]

    def label(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be non-empty text")
        return value.strip()

    def text(self, key: str) -> str:
        """Non-empty text that may use {placeholders}."""
        value = self.label(key)
        self.check_template(key, value)
        return value

    def check_template(self, key: str, value: str) -> None:
        try:
            parts = list(FORMATTER.parse(value))
        except ValueError as exc:
            raise self.fail(key, f"has a broken {{placeholder}} ({exc}); write {{{{ for a brace")
        for _, field, spec, conversion in parts:
            if field is None:
                continue
            if field not in PLACEHOLDERS or spec or conversion:
                raise self.fail(
                    key,
                    f"uses unknown placeholder {{{field}}}; allowed: "
                    + ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS)),
                )

    def text_list(
        self, key: str, *, template: bool = True, allow_empty: bool = False
    ) -> tuple[str, ...]:
        value = self.raw(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "must be a list of non-empty text")
        if not value and not allow_empty:
            raise self.fail(key, "must not be empty")
        if template:
            for i, item in enumerate(value):
                self.check_template(f"{key}[{i}]", item)
        return tuple(v.strip() for v in value)

    def number(self, key: str, *, minimum: float = 0, positive: bool = True) -> float:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number (got {value!r})")
        if value < minimum or (positive and value <= 0):
            raise self.fail(key, f"must be {'greater than' if positive else 'at least'} {minimum}")
        return float(value)

    def integer(self, key: str, *, minimum: int = 1) -> int:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be a whole number (got {value!r})")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum}")
        return value

    def date(self, key: str) -> date:
        value = self.raw(key)
        if not isinstance(value, date) or hasattr(value, "hour"):
            raise self.fail(key, f"must be a date like 2026-11-24, without quotes (got {value!r})")
        return value
