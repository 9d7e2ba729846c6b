"""The baseline for the throughput benchmark: a minimal Flask endpoint."""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello() -> dict[str, str]:
    return {"hello": "world"}
