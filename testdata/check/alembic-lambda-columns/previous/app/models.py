from sqlalchemy import BigInteger, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Resource(Base):
    __tablename__ = "resource"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    creator: Mapped[str | None] = mapped_column(String(255))


class Metric(Base):
    __tablename__ = "metric"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    creator: Mapped[str | None] = mapped_column(String(255))
