"""Statements compiled once into plain SQL text for one database: running one then skips SQLAlchemy's
cache key, which walks the whole statement at every execution (for the call-next claim, a few hundred
nodes, that walk cost more than the database's own work)."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.interfaces import BindTyping
from sqlalchemy.sql.expression import ClauseElement


def frozen(statement: ClauseElement, dialect: Dialect) -> TextClause:
    """`statement` as SQL text for `dialect`, its parameters named as in the statement and typed as
    there (so dates and moments are stored as the columns store them); the values the statement holds
    itself are kept. No expanding `IN` lists: they are rendered per execution."""
    named = copy.copy(dialect)
    named.paramstyle, named.positional = "named", False
    named.bind_typing = BindTyping.NONE  # psycopg's `:p::TYPE` casts would hide the names from text()
    vars(named).pop("_bind_typing_render_casts", None)  # its memo of the one it was made with
    compiled: Any = statement.compile(dialect=named)
    if compiled.post_compile_params:
        raise ValueError("an expanding IN list cannot be frozen: give its values as literals")
    values = compiled.params
    binds = [bindparam(name, values.get(name), type_=bind.type) for bind, name in compiled.bind_names.items()]
    return text(compiled.string).bindparams(*binds)
