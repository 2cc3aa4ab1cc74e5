"""The part of Flask-Migrate that env.py uses, for a test without it installed.

``Migrate`` keeps the database and the keyword arguments that env.py passes
on to ``context.configure``, as Flask-Migrate 4 does.
"""

from types import SimpleNamespace


class Migrate:
    def __init__(self, app=None, db=None, **configure_args):
        if app is not None:
            self.init_app(app, db, **configure_args)

    def init_app(self, app, db=None, **configure_args):
        app.extensions["migrate"] = SimpleNamespace(
            db=db, configure_args=dict(configure_args)
        )
