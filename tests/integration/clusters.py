"""PostgreSQL clusters of a test's own, for tests that stop or restart the database: never the shared one."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from glob import glob
from pathlib import Path

import psycopg

from tests.services import free_port

# The newest installed server's initdb and pg_ctl (Debian keeps each major version apart).
SERVER_BINARIES = sorted(glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name))


class Cluster:
    """A cluster of the test's own in `root`, on a free port: never the shared one on 5432.

    fsync is off: a restart is a clean shutdown, which writes every commit out all the same."""

    def __init__(self, root: Path):
        self.root, self.port = root, free_port()
        self._options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} -c fsync=off"
        )

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def create_and_start(self) -> None:
        self._run("initdb", "-D", self.root / "data", "-A", "trust", "-U", "postgres", "--no-sync")
        self._pg_ctl("start", "-o", self._options)

    def restart(self) -> None:
        """As an administrator restarts it: every session terminated, then started again."""
        self._pg_ctl("restart", "-m", "fast", "-o", self._options)

    def shut_down(self) -> None:
        """As an administrator stops it for a while (an upgrade): every session terminated."""
        self._pg_ctl("stop", "-m", "fast")

    def start(self) -> None:
        self._pg_ctl("start", "-o", self._options)

    def stop(self) -> None:
        if (self.root / "data" / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "immediate")

    def terminate(self, backend_pid: int) -> None:
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid])

    def _pg_ctl(self, action: str, *options: str) -> None:
        # -l: the server writes to its log, not to a pipe this process would wait on.
        self._run("pg_ctl", action, "-D", self.root / "data", "-l", self.root / "server.log", "-w", *options)

    def _run(self, tool: str, *args) -> None:
        assert SERVER_BINARIES, "no PostgreSQL server binaries: apt-get install postgresql"
        command = [str(Path(SERVER_BINARIES[-1]) / tool), *map(str, args)]
        if os.geteuid() == 0:  # initdb refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)


@contextmanager
def own_cluster() -> Iterator[Cluster]:
    """A cluster of its own, started, for the `with` block; stopped and deleted after it."""
    root = Path(tempfile.mkdtemp(prefix="campaign-pg-"))  # not tmp_path: the postgres user must reach it
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    own = Cluster(root)
    try:
        own.create_and_start()
        yield own
    finally:
        try:
            own.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
