"""JSON round trip of engine dataclasses: dates as ISO strings, tuples as lists.

``roadmap_from_dict`` is strict (unknown or missing keys are errors naming their path):
a stored roadmap that no longer reads is rebuilt from the answers by the caller.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING
from datetime import date
from typing import Any

from .model import Roadmap

#: 2: Roadmap 2.0 (advice, feasibility, what-if, costs, phases); older stored roadmaps no
#: longer read and are rebuilt from their answers by the caller.
ROADMAP_FORMAT = 2


def roadmap_to_dict(roadmap: Roadmap) -> dict[str, Any]:
    """JSON-safe dict (dates as ISO strings, tuples as lists), tagged with ``roadmap_format``."""
    data = to_json(roadmap)
    data["roadmap_format"] = ROADMAP_FORMAT
    return data


def roadmap_from_dict(data: Mapping[str, Any]) -> Roadmap:
    """Inverse of ``roadmap_to_dict``; raises ``ValueError`` naming the bad path."""
    if not isinstance(data, Mapping):
        raise ValueError("roadmap: must be an object")
    data = dict(data)
    fmt = data.pop("roadmap_format", ROADMAP_FORMAT)
    if fmt != ROADMAP_FORMAT:
        raise ValueError(f"roadmap: unsupported roadmap_format {fmt!r}")
    return _from_json(Roadmap, data, "roadmap")


_ROADMAP_FIELDS = frozenset(field.name for field in dataclasses.fields(Roadmap))


def credential_codes_from_dict(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The credential codes a stored roadmap names, its recommended one first, then the other
    recommendations and the later credentials, read without rebuilding the whole roadmap
    (matching an advisor needs only these); ``ValueError`` when the data is not a stored
    roadmap of this format."""
    try:
        if data.get("roadmap_format", ROADMAP_FORMAT) != ROADMAP_FORMAT:
            raise ValueError(f"roadmap: unsupported roadmap_format {data['roadmap_format']!r}")
        if set(data) - {"roadmap_format"} != _ROADMAP_FIELDS:  # as roadmap_from_dict refuses
            raise ValueError("roadmap: its keys are not a roadmap's")
        recommended = sorted(data["credentials"], key=lambda rec: rec["role"] != "primary")
        codes = [rec["credential"]["code"] for rec in (*recommended, *data["later_credentials"])]
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"roadmap: not a stored roadmap ({error!r})") from error
    if not all(isinstance(code, str) for code in codes):
        raise ValueError("roadmap: a credential code is not text")
    return tuple(dict.fromkeys(codes))


def to_json(value: Any) -> Any:
    """A dataclass (or a value inside one) as JSON-safe data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_json(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _from_json(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _from_json(args[0], value, path)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, Mapping):
            raise ValueError(f"{path}: must be an object")
        hints = _HINTS.get(tp) or _HINTS.setdefault(tp, typing.get_type_hints(tp))
        names = [f.name for f in dataclasses.fields(tp)]
        unknown = set(value) - set(names)
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
        # a field added later with a default may be absent from what was stored before it
        optional = {f.name for f in dataclasses.fields(tp) if f.default is not MISSING}
        missing = [n for n in names if n not in value and n not in optional]
        if missing:
            raise ValueError(f"{path}.{missing[0]}: is missing")
        return tp(
            **{n: _from_json(hints[n], value[n], f"{path}.{n}") for n in names if n in value}
        )
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ValueError(f"{path}: must be a list")
        (item_type, _ellipsis) = typing.get_args(tp)
        return tuple(_from_json(item_type, v, f"{path}[{i}]") for i, v in enumerate(value))
    if tp is date:
        if not isinstance(value, str):
            raise ValueError(f"{path}: must be an ISO date string")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{path}: {value!r} is not an ISO date")
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{path}: must be a number")
        return float(value)
    if tp in (int, str, bool):
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            raise ValueError(f"{path}: must be {tp.__name__}")
        return value
    raise TypeError(f"{path}: unsupported type {tp!r}")  # pragma: no cover
