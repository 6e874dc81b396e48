"""The ceiling the signature benchmark compares against: a Flask app whose one POST does nothing.

Served by gunicorn with the same settings as the real app, it shows what the server and the load
generator can do on this machine before any form, database or queue work.
"""

from flask import Flask, redirect, request

app = Flask(__name__)


@app.post("/sign")
def sign():
    request.form.get("email")  # parse the body, as every real form post does
    return redirect("/thanks")
