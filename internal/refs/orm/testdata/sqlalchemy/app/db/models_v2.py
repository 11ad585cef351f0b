from __future__ import annotations

import datetime
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy import ForeignKey, String
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    nickname: Mapped[Optional[str]]
    created: Mapped[datetime.datetime] = mapped_column("created_at", server_default=sa.func.now())
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    legacy_flag = sa.Column(sa.Boolean, name="is_legacy")

    owner: Mapped["User"] = relationship(back_populates="accounts")
    invoices: Mapped[List["Invoice"]] = relationship(back_populates="account")
    keywords: AssociationProxy[List[str]] = association_proxy("kw", "keyword")

    def __repr__(self) -> str:
        return f"Account({self.id})"


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (sa.UniqueConstraint("number"), {"schema": "billing"})

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str]
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    account: Mapped[Account] = relationship(back_populates="invoices")


class AccountSummary:
    """A plain DTO with look-alike names: not mapped."""

    id: int
    name: str
