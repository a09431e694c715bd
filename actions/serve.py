"""The action server as one process: ``python -m actions.serve --port 5055``.

rasa-sdk's own ``python -m rasa_sdk`` serves through Sanic's worker manager: a main process and
a worker process that holds the port. When a supervisor's SIGKILL ends the main process, the
worker lives on as an orphan, keeps the port, and every restart fails with "Address already in
use". Here the same app (rasa-sdk's ``create_app_for_serve``: the actions of the ``actions``
package, its health route, its listeners) is served in a single process, so the supervisor's
pid is the one that listens and nothing outlives it. Options are rasa-sdk's; it listens on
SANIC_HOST (default 127.0.0.1: the action server has no authentication).
"""
from __future__ import annotations

import logging
import os

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app_for_serve, create_argument_parser, create_ssl_config
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    """Parse rasa-sdk's options and serve the actions in this process until stopped."""
    args = create_argument_parser().parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package(args.actions_module or args.actions)
    app = create_app_for_serve(executor, cors_origins=args.cors, auto_reload=False, endpoints=args.endpoints)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    app.prepare(host=host, port=args.port, ssl=create_ssl_config(args.ssl_certificate, args.ssl_keyfile,
                                                                 args.ssl_password),
                single_process=True, motd=False, access_log=False)
    logger.info("action server on %s:%s, one process (pid %d)", host, args.port, os.getpid())
    Sanic.serve_single(primary=app)


if __name__ == "__main__":
    main()
