"""Two (or N) app replicas on one PostgreSQL behind nginx, on this machine: what
`make replicas` starts, and what the cross-replica test and the load benchmark run against.

    .venv/bin/python deploy/replicas.py [--replicas 2] [--port 8500] [--db-url URL]

Without --db-url (or $MATCHER_DB_URL naming PostgreSQL) a throwaway PostgreSQL cluster is
made in a temporary folder (Debian's postgresql) and removed at the end. nginx (Debian's
nginx-light) runs with the repository's deploy/matcher-http.conf and deploy/matcher-proxy.conf,
listening on 127.0.0.1 over HTTP (production adds HTTPS: deploy/nginx.conf). Ctrl-C stops all.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEPLOY = ROOT / "deploy"
NGINX = Path("/usr/sbin/nginx")


@dataclass(frozen=True)
class Replicas:
    """The running service: nginx's URL, each replica's own URL, the database, processes."""

    url: str
    replica_urls: tuple[str, ...]
    db_url: str
    pids: tuple[int, ...]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_config(prefix: Path, port: int, replica_ports: list[int], trust_forwarded: bool) -> str:
    """A whole nginx.conf for this machine: the repository's http and server parts, an
    upstream of the replicas, plain HTTP on 127.0.0.1:`port`. `trust_forwarded` (the load
    benchmark only): take the visitor's address from X-Forwarded-For sent from this machine,
    so simulated visitors can come from distinct addresses."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in replica_ports)
    real_ip = (
        "        set_real_ip_from 127.0.0.1;\n        real_ip_header X-Forwarded-For;\n"
        if trust_forwarded
        else ""
    )
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {DEPLOY}/matcher-http.conf;
    upstream matcher_replicas {{
        hash $matcher_replica consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
{real_ip}        include {DEPLOY}/matcher-proxy.conf;
    }}
}}
"""


def _wait_answers(url: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited at start (code {process.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # polling: the server is still starting
    raise RuntimeError(f"{what} did not answer on /_stcore/health within 90 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def throwaway_postgresql() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder, with an empty database: its URL."""
    from tests.workspace_fixtures import PostgresServer, _pg_bin

    bin_dir = _pg_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server.new_database()
    finally:
        server.stop()


@contextlib.contextmanager
def running_replicas(
    db_url: str,
    *,
    replicas: int = 2,
    port: int | None = None,
    env: dict[str, str] | None = None,
    trust_forwarded: bool = False,
) -> Iterator[Replicas]:
    """`replicas` app processes on `db_url` (upgraded to this version's schema) behind nginx;
    each trusts nginx's forwarded address (MATCHER_TRUSTED_PROXIES). Stopped at the end."""
    from matcher.workspace.db import make_engine, upgrade

    if not NGINX.exists():
        raise RuntimeError("nginx is not installed: apt-get install nginx-light")
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    prefix = Path(tempfile.mkdtemp(prefix="matcher-nginx-"))
    prefix.chmod(0o777)  # nginx's workers (nobody, under root) keep request bodies here
    processes: list[subprocess.Popen[bytes]] = []
    try:
        ports = [free_port() for _ in range(replicas)]
        app_env = {
            **os.environ,
            "MATCHER_DB_URL": db_url,
            "MATCHER_TRUSTED_PROXIES": "127.0.0.1, ::1",
            **(env or {}),
        }
        for replica_port in ports:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "streamlit",
                        "run",
                        str(ROOT / "serve.py"),
                        "--server.port",
                        str(replica_port),
                        "--server.address",
                        "127.0.0.1",
                        "--server.headless",
                        "true",
                        "--browser.gatherUsageStats",
                        "false",
                        "--server.fileWatcherType",
                        "none",
                    ],
                    cwd=ROOT,
                    env=app_env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        replica_urls = tuple(f"http://127.0.0.1:{p}" for p in ports)
        for url, process in zip(replica_urls, processes, strict=True):
            _wait_answers(url, process, f"the replica at {url}")
        front = port or free_port()
        config = prefix / "nginx.conf"
        config.write_text(nginx_config(prefix, front, ports, trust_forwarded))
        nginx = subprocess.Popen(
            [str(NGINX), "-p", str(prefix), "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        processes.append(nginx)
        url = f"http://127.0.0.1:{front}"
        _wait_answers(url, nginx, "nginx")
        yield Replicas(url, replica_urls, db_url, tuple(p.pid for p in processes))
    finally:
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(prefix, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8500, help="nginx's port on 127.0.0.1")
    parser.add_argument("--db-url", default=os.environ.get("MATCHER_DB_URL", ""))
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        db_url = args.db_url
        if not db_url.startswith("postgres"):
            db_url = stack.enter_context(throwaway_postgresql())
        service = stack.enter_context(
            running_replicas(db_url, replicas=args.replicas, port=args.port)
        )
        print(f"nginx: {service.url}  (replicas: {', '.join(service.replica_urls)})", flush=True)
        print("Ctrl-C stops the replicas, nginx and a throwaway database.", flush=True)
        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        with contextlib.suppress(KeyboardInterrupt):
            while not stopping:
                time.sleep(1)


if __name__ == "__main__":
    main()
