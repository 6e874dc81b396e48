"""The API's errors: `{"error": "..."}` as Action Network sends them, for every URL under /api/v1/."""

from flask import Response, json

ERROR_TYPE = "application/json"

MESSAGES = {
    400: "Bad request",
    401: "API Key invalid or not present",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable, try again in a moment",
}


class ApiError(Exception):
    def __init__(self, code: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.headers = code, message, headers or {}


def error_response(code: int, message: str | None = None, headers: dict | None = None) -> Response:
    body = json.dumps({"error": message or MESSAGES.get(code, "Error")})
    return Response(body, status=code, mimetype=ERROR_TYPE, headers=headers)


def answer(error: ApiError) -> Response:
    return error_response(error.code, error.message, error.headers)
