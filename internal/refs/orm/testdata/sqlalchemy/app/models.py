from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text, func
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import column_property, deferred, relationship

Base = declarative_base()

post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", Integer, ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id"), primary_key=True),
)


class TimestampMixin:
    created_at = Column(DateTime, server_default=func.now())
    updated_at = Column(DateTime, onupdate=func.now())


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column("email_address", String(255), nullable=False, unique=True)
    _password = Column("password_hash", String(128))
    bio = deferred(Column(Text))
    is_admin = Column(Boolean, default=False)

    posts = relationship("Post", back_populates="author")

    @hybrid_property
    def password(self):
        return self._password

    @property
    def display_name(self):
        return self.email.split("@")[0]


class Post(TimestampMixin, Base):
    __tablename__ = "posts"
    __table_args__ = {"schema": "blog"}

    id = Column(Integer, primary_key=True)
    author_id = Column(Integer, ForeignKey("users.id"))
    title = Column(String(200))
    body = Column(Text)
    word_count = column_property(func.length(body))

    author = relationship("User", back_populates="posts")
    tags = relationship("Tag", secondary=post_tags)


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), unique=True)


class Employee(Base):
    __tablename__ = "employees"
    id = Column(Integer, primary_key=True)
    type = Column(String(20))
    name = Column(String(100))
    __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "employee"}


class Manager(Employee):
    manager_level = Column(Integer)
    __mapper_args__ = {"polymorphic_identity": "manager"}


class Engineer(Employee):
    __tablename__ = "engineers"
    id = Column(Integer, ForeignKey("employees.id"), primary_key=True)
    language = Column(String(30))
