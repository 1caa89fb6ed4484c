"""End-to-end checks drive a real Odoo (18.0 or 19.0) through its command line, in throw-away databases."""

import os
import socket
import subprocess
import sys
import uuid

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def odoo_root():
    """The folder that holds odoo/ and odoo-bin (``odoo.__file__`` is None on 19.0: a namespace package)."""
    import odoo.release  # noqa: PLC0415

    return os.path.dirname(os.path.dirname(odoo.release.__file__))


def _addons_path():
    if os.environ.get("ODOO_ADDONS_PATH"):
        return os.environ["ODOO_ADDONS_PATH"]
    root = odoo_root()
    paths = [REPO]
    if os.path.isdir(os.path.join(root, "addons")):
        paths.append(os.path.join(root, "addons"))
    paths.append(os.path.join(root, "odoo", "addons"))
    return ",".join(paths)


class OdooRunner:
    """Runs odoo-bin commands and shell scripts against one database."""

    def __init__(self, db):
        self.db = db
        self.addons_path = _addons_path()

    def run(self, *args, timeout=1200):
        cmd = [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={self.addons_path}",
            "-d",
            self.db,
            "--stop-after-init",
            "--log-level=warn",
            *args,
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        output = result.stdout + result.stderr
        assert result.returncode == 0, f"{' '.join(args)} failed:\n{output[-4000:]}"
        errors = [
            line
            for line in output.splitlines()
            if " ERROR " in line or " CRITICAL " in line or "failed to install" in line
        ]
        assert not errors, "\n".join(errors)
        return output

    def _shell_command(self):
        return [
            sys.executable,
            "-m",
            "odoo",
            "shell",
            f"--addons-path={self.addons_path}",
            "-d",
            self.db,
            "--no-http",
            "--log-level=warn",
        ]

    def shell(self, script, timeout=600, errors_logged=False):
        """Run SCRIPT in `odoo shell` (``env`` is there) and return what it printed. A traceback in
        the log fails, unless ERRORS_LOGGED (Odoo logs an error it survives, a refused email say)."""
        result = subprocess.run(self._shell_command(), input=script, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert errors_logged or "Traceback" not in result.stderr, result.stderr[-3000:]
        return result.stdout

    def shell_process(self, script):
        """Start SCRIPT in `odoo shell` as a process of its own session (to be killed), output piped."""
        process = subprocess.Popen(
            self._shell_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        process.stdin.write(script)
        process.stdin.close()
        return process

    def server(self, logfile, *args):
        """Start a real Odoo server (odoo-bin, so that --workers can spawn its gevent process) on this
        database alone, its log in LOGFILE; the caller stops it (terminate, then wait)."""
        odoo_bin = os.path.join(odoo_root(), "odoo-bin")
        command = [sys.executable, odoo_bin] if os.path.exists(odoo_bin) else ["odoo"]
        log = open(logfile, "w")  # noqa: SIM115 - closed with the process by the caller's terminate
        return subprocess.Popen(
            [
                *command,
                f"--addons-path={self.addons_path}",
                "-d",
                self.db,
                f"--db-filter=^{self.db}$",
                "--log-level=info",
                *args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def odoo_db():
    db = f"fc_e2e_{uuid.uuid4().hex[:8]}"
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
    yield OdooRunner(db)
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)


@pytest.fixture(scope="module")
def odoo_module_db():
    """One throw-away database shared by the tests of a module."""
    db = f"fc_e2e_{uuid.uuid4().hex[:8]}"
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
    yield OdooRunner(db)
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
