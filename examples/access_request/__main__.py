"""`python -m examples.access_request`: serve the access-request service on ACCESS_PORT."""

from __future__ import annotations

import logging
import sys

from examples.access_request.config import ConfigError, from_env


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request drowns the service's own log
    try:
        settings = from_env()
    except ConfigError as exc:
        print(f"access_request: {exc}", file=sys.stderr)
        return 2
    # Imported once the configuration is known to be usable: the vendors' SDKs take seconds to import.
    import uvicorn

    from examples.access_request.app import create_app

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
