from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Account(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120), nullable=False)


class AuditEvent(db.Model):
    __bind_key__ = "audit"
    id = db.Column(db.Integer, primary_key=True)
    action = db.Column(db.String(40), nullable=False)
