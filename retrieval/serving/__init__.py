"""Serving: the engine facade (``engine``, ``service``), the FastAPI app (``api``), request
limits (``limits``), photo uploads (``uploads``) and the web chat page (``webchat``,
``static/``). Imports ranking, query and catalogue; never evaluation."""
