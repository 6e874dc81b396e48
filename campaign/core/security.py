"""Security headers on every response, and the outbox hand-off after each request."""

from flask import Flask, Response, current_app

from campaign.core.outbox import dispatch_committed, run_after_response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Sent unless the view set its own.
DEFAULT_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "geolocation=(), camera=(), microphone=()"),
)


def embeddable(response: Response) -> Response:
    """Let any site frame this response (a petition widget): frame-ancestors decides, and no
    X-Frame-Options is sent (it has no value meaning "any site")."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors *"
    )
    return response


def register(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        """Caching is private by default: `no-store` unless the view chose its own caching
        (count.json, the badge, petition images; static files and downloads set theirs).
        Rosters, RSVP pages, the dashboard, supporter lists and exports show people's details
        to whoever holds a login or a link; a rule per page or per path leaks on the first page
        someone forgets, while a public page that forgets to ask for caching is only fetched
        again."""
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # one pass: each `in` is another
        defaults = list(DEFAULT_HEADERS)
        if current_app.config["SESSION_COOKIE_SECURE"]:
            defaults.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
        if "frame-ancestors 'none'" in headers.get("Content-Security-Policy", CONTENT_SECURITY_POLICY):
            defaults.append(("X-Frame-Options", "DENY"))  # the same rule for browsers without CSP
        for name, value in defaults:
            if name.lower() not in present:
                headers.add(name, value)
        return response

    @app.after_request
    def publish_outbox(response: Response) -> Response:
        dispatch_committed()
        run_after_response(response)
        return response
