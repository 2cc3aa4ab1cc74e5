from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)


class AuditModel(db.Model):
    __abstract__ = True
    __bind_key__ = "audit"


class AuditEvent(AuditModel):
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(40), nullable=False)


class Report(db.Model):
    __bind_key__ = "warehouse"
    id = db.Column(db.Integer, primary_key=True)


audit_links = db.Table(
    "audit_links",
    db.Column("event_id", db.Integer, primary_key=True),
    bind_key="audit",
)
