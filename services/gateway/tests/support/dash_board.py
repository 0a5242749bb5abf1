"""A board for the gateway's transport tests: a real Dash 4 app on the FastAPI backend.

Served by uvicorn as ``dash_board:server``. Besides Dash's own routes (one callback that
upper-cases its input, so every answer names the request that asked), the same FastAPI
server streams server-sent events at ``/events`` and echoes WebSocket messages at
``/ws-echo``, checking ``Origin`` against ``Host`` as Dash's WebSocket endpoint does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import dash
from dash import Input, Output, dcc, html
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import StreamingResponse

app = dash.Dash(__name__, backend="fastapi")
app.layout = html.Div([dcc.Input(id="text", value="hello"), html.Div(id="echo")])


@app.callback(Output("echo", "children"), Input("text", "value"))
def _echo(value: str) -> str:
    return value.upper()


server: FastAPI = app.server


async def _events(count: int, pause: float) -> AsyncIterator[bytes]:
    for number in range(count):
        yield f"data: event {number}\n\n".encode()
        await asyncio.sleep(pause)


@server.get("/events")
async def events(count: int = 5, pause: float = 0.3) -> StreamingResponse:
    return StreamingResponse(_events(count, pause), media_type="text/event-stream")


@server.websocket("/ws-echo")
async def ws_echo(websocket: WebSocket) -> None:
    origin = websocket.headers.get("origin") or ""
    if urlsplit(origin).netloc != websocket.headers.get("host"):
        await websocket.close(code=4003, reason="Origin not allowed")
        return
    await websocket.accept()
    context = websocket.headers.get("x-dazzler-context", "")
    await websocket.send_json({"hello": True, "signed": bool(context)})
    try:
        while True:
            text = await websocket.receive_text()
            await websocket.send_text(f"echo:{text}")
    except WebSocketDisconnect:
        return


def callback_body(value: str) -> bytes:
    """Return what a browser posts when the input changes to ``value``."""
    return (
        b'{"output":"echo.children","outputs":{"id":"echo","property":"children"},'
        b'"inputs":[{"id":"text","property":"value","value":"%b"}],'
        b'"changedPropIds":["text.value"]}' % value.encode()
    )
