"""Safe redirect targets and absolute links."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def safe_next(target: str | None, default_endpoint: str = "core.home") -> str:
    """`target` if it stays on this site, else the default page."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for(default_endpoint)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for email, built on PUBLIC_URL: tasks have no request to take it from."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path
