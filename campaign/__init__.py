"""Campaign desk: create_app() builds the Flask app from config, extensions and features."""

import importlib
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from campaign.config import Config, instance_secrets
from campaign.core import embedded_beat
from campaign.extensions import babel, celery_init_app, csrf, db, limiter, login_manager, migrate

PACKAGE = Path(__file__).resolve().parent
# templates/ and static/ sit at the top of a checkout (DESIGN.md), where an editable install
# finds them too; a wheel carries them inside the package (setup.py), so that an installed app
# finds them from whatever directory it is started.
SHARED = PACKAGE if (PACKAGE / "templates").is_dir() else PACKAGE.parent

# Order matters: a feature may import only features listed before it (and core). A lower
# feature that must react to a higher one listens to a blinker signal instead.
FEATURES = (
    "accounts",
    "organizations",
    "coalitions",
    "supporters",
    "notifications",
    "tags",
    "letters",
    "petitions",
    "actions",
    "policies",  # the tracker links letters, petitions and days of action to what they target
    "api",  # the OSDI API reads the features above; the desk may show its keys
    "desk",  # last: the organizer's desk reads every feature's records
)

SECRET_SETTINGS = ("SECRET_KEY", "DATA_KEYS", "BLIND_INDEX_KEY", "IP_HASH_KEY")


def create_app(config: type = Config, **overrides) -> Flask:
    """The app; `gunicorn 'campaign:create_app()'` and `flask --app campaign` serve an installed one."""
    instance_path = overrides.get("INSTANCE_PATH", config.INSTANCE_PATH)
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        template_folder=str(SHARED / "templates"),
        static_folder=str(SHARED / "static"),
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.config.from_object(config)
    app.config.update(overrides)
    _fill_defaults(app)
    _init_extensions(app)
    embedded_beat.install(app)
    _register_features(app)
    return app


def _fill_defaults(app: Flask) -> None:
    if any(not app.config.get(name) for name in SECRET_SETTINGS):
        generated = instance_secrets(app.instance_path)
        for name in SECRET_SETTINGS:
            app.config[name] = app.config.get(name) or generated[name]
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'campaign.db'}"
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        # Shared counters across processes need Redis; one embedded process can keep them itself.
        app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    if app.config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        app.config.setdefault(
            "RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        )
    hops = int(app.config.get("TRUST_PROXY_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_extensions(app: Flask) -> None:
    from campaign.core import i18n

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    translations = i18n.compiled_catalogs(PACKAGE / "translations", Path(app.instance_path) / "translations")
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(translations),
    )
    limiter.init_app(app)
    # Only views decorated with @limiter.limit have limits (no default, application or blueprint
    # limits: tests/core/test_limits_setup.py), and the decorator checks them itself. The check
    # Flask-Limiter adds before every request would find nothing on every other page, at a sixth
    # of what a public petition page costs from the page cache.
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    celery_init_app(app)


def _register_features(app: Flask) -> None:
    from campaign.core import cli, database, errors, exports, i18n, security, tasks, templating, urls, views  # noqa: F401 - models, tasks

    urls.register(app)
    i18n.register(app)
    app.register_blueprint(views.bp)
    errors.register(app)
    security.register(app)
    templating.register(app)
    cli.register(app)
    app.cli.add_command(importlib.import_module("campaign.demo.cli").group)
    for name in FEATURES:
        for layer in ("models", "tasks"):
            _import_if_present(f"campaign.{name}.{layer}")
        app.register_blueprint(importlib.import_module(f"campaign.{name}.views").bp)
        # What a feature adds to a lower one (an audience source, a block on its pages) is
        # added here, by name, rather than as a side effect of importing a module.
        register = getattr(importlib.import_module(f"campaign.{name}"), "register", None)
        if register:
            register(app)
        feature_cli = _import_if_present(f"campaign.{name}.cli")
        if feature_cli:
            app.cli.add_command(feature_cli.group)
    database.register(app)  # last: it wraps every view


def _import_if_present(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        return None
