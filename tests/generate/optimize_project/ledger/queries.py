from datetime import datetime

from sqlalchemy import desc, select
from sqlalchemy.orm import Session, selectinload

from ledger.models import Notarization, Tenant


def pending(session: Session, tenant_id: int) -> list[Notarization]:
    statement = (
        select(Notarization)
        .where(Notarization.status == "pending")
        .order_by(Notarization.created_at)
    )
    return list(session.scalars(statement))


def by_transaction(session: Session, tx_hash: str) -> Notarization | None:
    return session.query(Notarization).filter_by(tx_hash=tx_hash).first()


def by_document(session: Session, reference: str) -> Notarization | None:
    query = session.query(Notarization).filter(Notarization.document_ref == reference)
    return query.one_or_none()


def tenants_in(session: Session, region: str) -> list[Tenant]:
    statement = (
        select(Tenant)
        .options(selectinload(Tenant.notarizations))
        .where(Tenant.region == region)
        .order_by(desc(Tenant.slug))
    )
    return list(session.scalars(statement))


def tenant_of(session: Session, tx_hash: str) -> Tenant | None:
    statement = (
        select(Tenant)
        .join(Notarization, Notarization.tenant_id == Tenant.id)
        .where(Notarization.chain_id == "ethereum")
    )
    return session.scalars(statement).first()


def tenant(session: Session, tenant_id: int) -> Tenant | None:
    return session.get(Tenant, tenant_id)


def recent_on_chain(
    session: Session, chain: str, since: datetime
) -> list[Notarization]:
    statement = select(Notarization).where(
        Notarization.chain_id == chain, Notarization.created_at > since
    )
    return list(session.scalars(statement))
