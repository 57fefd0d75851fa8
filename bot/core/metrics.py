"""Prometheus metrics: what an operator alerts on, counted where it happens, never what anyone wrote.

One registry for the process. The web server counts requests; the channels time turns; the
outbox's depth and oldest age are read from the database when /metrics is scraped.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter("igbot_http_requests", "HTTP requests answered, by route and status", ["route", "status"],
                   registry=REGISTRY)
REQUEST_SECONDS = Histogram("igbot_http_request_seconds", "Time to answer an HTTP request", ["route"],
                            registry=REGISTRY)
TURN_SECONDS = Histogram("igbot_turn_seconds", "Time for the conversation core to answer one message", ["channel"],
                         buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=REGISTRY)
TURNS = Counter("igbot_turns", "Messages handled, by channel and what came of them (answered, nothing, failed)",
                ["channel", "result"], registry=REGISTRY)
REFUSED = Counter("igbot_refused_requests", "Requests refused before any work (bad signature, malformed, ...)",
                  ["channel", "status"], registry=REGISTRY)
