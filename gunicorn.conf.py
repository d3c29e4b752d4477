"""gunicorn settings for `make serve` (override any of them with GUNICORN_CMD_ARGS)."""

import os

bind = f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = 60
graceful_timeout = 20
# Restart workers now and then so a slow leak can never grow for ever.
max_requests = 2000
max_requests_jitter = 200
# The app logs JSON lines itself; gunicorn's access log would only repeat them.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
