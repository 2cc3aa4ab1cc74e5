"""Column type comparison with Alembic's own ``compare_type``.

Both TypeSpecs are turned into SQLAlchemy types and handed to the Alembic
dialect implementation, which compiles them for the dialect. It compares the
type names of the DDL first (with synonyms such as NUMERIC/DECIMAL), then the
arguments both sides set. That is why ``String()`` against
``String(100)`` is no drift while ``String(100)`` against ``String(200)`` is.
A type that cannot be built or compiled never drifts.
"""

from __future__ import annotations

import functools
import importlib
import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic.ddl.impl import DefaultImpl
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine

from steward_lsp.engine.schema import TypeSpec
from steward_lsp.engine.sqla.dialects import load_dialect

logger = logging.getLogger(__name__)

DEFAULT_DIALECT = "sqlite"

# Dialects a type comparison tries when the project's dialect is unknown.
UNKNOWN_DIALECT_CANDIDATES = ("postgresql", "sqlite", "mysql")


@dataclass(frozen=True)
class TypeComparison:
    """Outcome of comparing a model type with a head type."""

    differs: bool
    model_ddl: str
    head_ddl: str


def build_type(spec: TypeSpec) -> TypeEngine[Any] | None:
    """Return the SQLAlchemy type ``spec`` describes, or None if unknown."""
    if not spec.known:
        return None
    try:
        return _build_cached(spec)
    except TypeError:
        # Unhashable arguments (a list literal, say): build without the cache.
        return _build(spec)


@functools.lru_cache(maxsize=2048)
def _build_cached(spec: TypeSpec) -> TypeEngine[Any] | None:
    return _build(spec)


# Keys the parsers add to TypeSpec.kwargs that are no constructor arguments.
_READER_KEYS = {"enum_class", "variants"}


def _build(spec: TypeSpec) -> TypeEngine[Any] | None:
    type_class = _resolve_class(spec.name)
    if type_class is None:
        return None
    args = [_build_argument(arg) for arg in spec.args]
    kwargs = {
        key: _build_argument(value)
        for key, value in spec.kwargs
        if key not in _READER_KEYS
    }
    if any(arg is _UNBUILDABLE for arg in [*args, *kwargs.values()]):
        return None
    try:
        built = type_class(*args, **kwargs)
    except (TypeError, ValueError, AttributeError, sa.exc.SQLAlchemyError) as exc:
        logger.debug("cannot build type %s: %s", spec.text or spec.name, exc)
        return None
    return built if isinstance(built, TypeEngine) else None


_UNBUILDABLE = object()


def _build_argument(value: object) -> object:
    if isinstance(value, TypeSpec):
        built = build_type(value)
        return _UNBUILDABLE if built is None else built
    return value


def _resolve_class(name: str) -> type[TypeEngine[Any]] | None:
    module_name, _, class_name = name.rpartition(".")
    for prefix in ("sqlalchemy.", "sa."):
        if module_name.startswith(prefix):
            module_name = module_name[len(prefix) :]
    if module_name in ("", "sa", "sqlalchemy", "types", "sql.sqltypes"):
        candidate = getattr(sa.types, class_name, None)
    else:
        dialect_module = module_name.removeprefix("dialects.")
        try:
            module = importlib.import_module(f"sqlalchemy.dialects.{dialect_module}")
        except ImportError:
            return None
        candidate = getattr(module, class_name, None)
    if isinstance(candidate, type) and issubclass(candidate, TypeEngine):
        return candidate
    return None


@functools.lru_cache(maxsize=8)
def _dialect_impl(dialect_name: str) -> tuple[Dialect, DefaultImpl] | None:
    try:
        dialect = load_dialect(dialect_name)
    except sa.exc.NoSuchModuleError:
        logger.info(
            "unknown dialect %r; comparing types as %s", dialect_name, DEFAULT_DIALECT
        )
        return None
    impl_class = DefaultImpl.get_by_dialect(dialect)
    return dialect, impl_class(dialect, None, True, None, None, {})


def _impl_for(dialect_name: str | None) -> tuple[Dialect, DefaultImpl]:
    found = _dialect_impl(dialect_name or DEFAULT_DIALECT)
    if found is None:
        found = _dialect_impl(DEFAULT_DIALECT)
    assert found is not None
    return found


def for_dialect(spec: TypeSpec, dialect_name: str | None) -> TypeSpec:
    """Return the ``with_variant`` type of ``spec`` for the dialect, else ``spec``."""
    variants = spec.kwarg("variants")
    if not isinstance(variants, tuple):
        return spec
    for entry in variants:
        if (
            isinstance(entry, tuple)
            and len(entry) == 2
            and entry[0] == (dialect_name or DEFAULT_DIALECT)
            and isinstance(entry[1], TypeSpec)
        ):
            return entry[1]
    return spec


def compile_type(spec: TypeSpec, dialect_name: str | None) -> str | None:
    """Return the DDL of ``spec`` on the dialect, or None if it cannot compile."""
    built = build_type(spec)
    if built is None:
        return None
    dialect, _ = _impl_for(dialect_name)
    try:
        return str(built.compile(dialect=dialect))
    except (sa.exc.SQLAlchemyError, TypeError, AttributeError) as exc:
        logger.debug("cannot compile type %s: %s", spec.text or spec.name, exc)
        return None


def compare_types(
    model: TypeSpec | None, head: TypeSpec | None, dialect_name: str | None
) -> TypeComparison | None:
    """Compare two column types as autogenerate does.

    Returns None when either side is missing, unknown or does not compile
    on the dialect, because no drift can be claimed then. Without a known
    dialect the types are compared on each of :data:`UNKNOWN_DIALECT_CANDIDATES`
    that compiles both, and drift is claimed only when all of them differ.
    """
    if model is None or head is None:
        return None
    try:
        hash((model, head, dialect_name))
    except TypeError:
        # Unhashable arguments (a list literal, say): compare without the cache.
        return _compare(model, head, dialect_name)
    return _compare_cached(model, head, dialect_name)


# A re-analysis compares the same pairs of types again; building two Columns
# and compiling both types for each pair dominated its time.
@functools.lru_cache(maxsize=8192)
def _compare_cached(
    model: TypeSpec, head: TypeSpec, dialect_name: str | None
) -> TypeComparison | None:
    return _compare(model, head, dialect_name)


def _compare(
    model: TypeSpec, head: TypeSpec, dialect_name: str | None
) -> TypeComparison | None:
    if dialect_name is not None:
        return _compare_on(model, head, dialect_name)
    results = [
        result
        for candidate in UNKNOWN_DIALECT_CANDIDATES
        if (result := _compare_on(model, head, candidate)) is not None
    ]
    if not results:
        return None
    differing = [result for result in results if result.differs]
    if len(differing) == len(results):
        return differing[0]
    return next(result for result in results if not result.differs)


def _compare_on(
    model: TypeSpec, head: TypeSpec, dialect_name: str
) -> TypeComparison | None:
    model, head = for_dialect(model, dialect_name), for_dialect(head, dialect_name)
    model_type, head_type = build_type(model), build_type(head)
    if model_type is None or head_type is None:
        return None
    model_ddl = compile_type(model, dialect_name)
    head_ddl = compile_type(head, dialect_name)
    if model_ddl is None or head_ddl is None:
        return None
    _, impl = _impl_for(dialect_name)
    try:
        # The head column plays the reflected column of a real comparison.
        differs = bool(
            impl.compare_type(sa.Column("c", head_type), sa.Column("c", model_type))
        )
    except (sa.exc.SQLAlchemyError, TypeError, AttributeError) as exc:
        logger.debug("cannot compare types %s and %s: %s", model_ddl, head_ddl, exc)
        return None
    return TypeComparison(differs, model_ddl, head_ddl)


def differing_reflected_type(
    reflected: TypeEngine[Any], head: TypeSpec | None, dialect_name: str
) -> tuple[str, str] | None:
    """Return the DDL of a reflected type and of ``head`` when autogenerate differs.

    The live check compares a column reflected from a database with the
    head schema; None when they agree or when ``head`` cannot be built.
    """
    if head is None:
        return None
    head = for_dialect(head, dialect_name)
    head_type = build_type(head)
    head_ddl = compile_type(head, dialect_name)
    if head_type is None or head_ddl is None:
        return None
    dialect, impl = _impl_for(dialect_name)
    try:
        differs = bool(
            impl.compare_type(sa.Column("c", reflected), sa.Column("c", head_type))
        )
        live_ddl = str(reflected.compile(dialect=dialect))
    except (sa.exc.SQLAlchemyError, TypeError, AttributeError) as exc:
        logger.debug(
            "cannot compare reflected type %r with %s: %s", reflected, head_ddl, exc
        )
        return None
    return (live_ddl, head_ddl) if differs else None
