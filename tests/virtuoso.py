"""A throwaway Virtuoso Open Source 7 server for the SPARQL store tests (pytest plugin).

The session fixture ``virtuoso`` starts ``virtuoso-t`` (Debian package ``virtuoso-opensource``)
on 127.0.0.1 with free ports and a database in a temporary directory, grants SPARQL update to
the anonymous endpoint user, yields the endpoint URL ``http://127.0.0.1:PORT/sparql`` and stops
the server at the end of the session. Tests that use it are skipped, with the reason, only when
the binaries are not installed (``sh tests/install.sh`` installs them as root on Debian).
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

SERVER = "virtuoso-t"
ISQL = "isql-vt"
START_TIMEOUT = 120.0
STARTUP: dict[str, float] = {}  # seconds until the endpoint answered and was granted
GRANTS = 'GRANT SPARQL_UPDATE TO "SPARQL"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET (\'nobody\', 7);'

INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{port}
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., {dir}
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000

[HTTPServer]
ServerPort               = 127.0.0.1:{http_port}
ServerRoot               = {dir}
MaxClientConnections     = 10
ServerThreads            = 10
Charset                  = UTF-8
EnabledDavVSP            = 0

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    ask = url + "?query=" + urllib.request.quote("ASK { ?s ?p ?o }")
    try:
        with urllib.request.urlopen(ask, timeout=2) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """The SPARQL endpoint URL of a fresh Virtuoso server (query and update, no auth)."""
    server, isql = shutil.which(SERVER), shutil.which(ISQL)
    if not server or not isql:
        pytest.skip(f"Virtuoso is not installed ({SERVER} or {ISQL} not on PATH); "
                    "apt-get install virtuoso-opensource (tests/install.sh does this as root)")
    db = tmp_path_factory.mktemp("virtuoso")
    port, http_port = _free_port(), _free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(INI.format(dir=db, port=port, http_port=http_port), encoding="utf-8")
    url = f"http://127.0.0.1:{http_port}/sparql"
    started = time.perf_counter()
    out = open(db / "server.out", "wb")
    proc = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=db,
                            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        while not _answers(url):
            if proc.poll() is not None:
                pytest.fail(f"virtuoso-t exited with status {proc.returncode}:\n"
                            f"{_log_tail(db / 'virtuoso.log')}")
            if time.perf_counter() - started > START_TIMEOUT:
                pytest.fail(f"virtuoso-t did not answer on {url} in {START_TIMEOUT:.0f} s:\n"
                            f"{_log_tail(db / 'virtuoso.log')}")
            time.sleep(0.2)
        grant = subprocess.run([isql, f"127.0.0.1:{port}", "dba", "dba", f"exec={GRANTS}"],
                               capture_output=True, text=True, timeout=60, cwd=db)
        if grant.returncode != 0 or "Error" in grant.stdout + grant.stderr:
            pytest.fail(f"isql-vt grant failed: {grant.stdout}{grant.stderr}")
        STARTUP["seconds"] = time.perf_counter() - started
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()
