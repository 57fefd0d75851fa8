"""Prometheus metrics: what an operator alerts on, counted where it happens, never what anyone wrote.

One registry for the process. The web server counts requests; the channels time turns; the
knowledge base counts answers and declines; the delivery worker counts deliveries and failed
attempts. The outbox's depth, oldest age, delivered messages and dead letters are read from the
database when /metrics is scraped (bot/app/operations.py), so every replica reports the same.
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
ANSWERS = Counter("igbot_answers", "Questions answered from the knowledge base", registry=REGISTRY)
DECLINES = Counter("igbot_declines", "Questions the knowledge base could not answer (kept as knowledge gaps)",
                   registry=REGISTRY)
NOT_ABOUT_IG = Counter("igbot_not_about_ig", "Messages declined as not about Information Governance (not kept)",
                       registry=REGISTRY)
CLOSE_CALLS = Counter("igbot_close_calls", "Questions answered with two entries' answers, the runner-up fitting almost "
                      "as well (counted among the answers too)", registry=REGISTRY)
DELIVERIES = Counter("igbot_deliveries", "Outbox messages this process delivered", registry=REGISTRY)
DELIVERY_FAILURES = Counter("igbot_delivery_failures",
                            "Delivery attempts that failed, by what follows: retry, or dead_letter (given up)",
                            ["then"], registry=REGISTRY)
