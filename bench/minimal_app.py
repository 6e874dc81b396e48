"""The ceilings the benchmarks compare against: a Flask app whose POST (bench/signatures.py) and
GET (bench/pages.py) do nothing.

Served by gunicorn with the same settings as the real app, it shows what the server and the load
generator can do on this machine before any form, database, queue or template work.
"""

from flask import Flask, redirect, request

app = Flask(__name__)

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A petition</title></head>
<body><h1>A petition</h1><p>0 signatures</p></body></html>
"""


@app.post("/sign")
def sign():
    request.form.get("email")  # parse the body, as every real form post does
    return redirect("/thanks")


@app.get("/page")
def page():
    return PAGE
