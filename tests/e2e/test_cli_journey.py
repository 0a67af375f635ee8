"""The "new coalition's journey" issue, through the `cdx` command on a copy of the example:
publishing without a Prefect server, one JSON document per command, options that mean the
same everywhere, coded errors instead of tracebacks or false success, run history in the
coalition's directory, and nothing unprotected left after a run."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_cli import CDX, REPO
from tests.unit.fitness_coalition import add_rates_dataset

SCORES = Path("data") / "health-scorecard-2026q1.csv"
PHONE = "0712 345 678"


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`cdx …` as a person runs it: no Prefect server, and a home directory of its own
    whose ~/.prefect nothing should write to."""
    base = {**os.environ, "NO_COLOR": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    for name in ("PREFECT_API_URL", "PREFECT_HOME", "CDX_CONFIG", "CDX_TRUST", "CDX_WORK_DIR"):
        base.pop(name, None)
    base["HOME"] = str(cwd.parent / "home")
    (cwd.parent / "home").mkdir(exist_ok=True)
    return subprocess.run(
        [*CDX, *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def one_json_document(result: subprocess.CompletedProcess[str]) -> object:
    """stdout parsed as exactly one JSON document (json.loads refuses extra data)."""
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    target = tmp_path / "kenya-lnob"
    shutil.copytree(REPO / "examples" / "kenya-lnob", target, ignore=shutil.ignore_patterns("keys"))
    assert run("init", ".", cwd=target).returncode == 0
    return target


@pytest.fixture
def without_prefect(tmp_path: Path) -> dict[str, str]:
    """An environment in which `import prefect` fails loudly."""
    shadow = tmp_path / "no-prefect" / "prefect"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('cdx imported prefect')\n")
    return {"PYTHONPATH": os.pathsep.join([str(shadow.parent), str(REPO)])}


def put_in_group_column(workspace: Path, text: str) -> None:
    """A sensitive column's cell that breaks its enum: validation quotes it."""
    path = workspace / SCORES
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",women,", f",{text},", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- speed: no server per publish -------------------------------------------------------


def test_a_publish_without_a_server_neither_imports_prefect_nor_logs_its_lines(
    workspace: Path, tmp_path: Path, without_prefect: dict[str, str]
) -> None:
    done = run("publish", "health-scorecard", cwd=workspace, env=without_prefect)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kenya-lnob/health-scorecard@1.0.0 → local: published" in done.stdout
    assert "INFO" not in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "catalogue" / "kenya-lnob/health-scorecard/1.0.0/manifest.sig").is_file()
    provenance = (
        tmp_path / "catalogue" / "kenya-lnob/health-scorecard/1.0.0/provenance.jsonld"
    ).read_text()
    assert '"cdx:orchestrator": "cdx"' in provenance


# --- one JSON document on stdout, for every command -------------------------------------


def test_every_command_prints_exactly_one_json_document(workspace: Path, tmp_path: Path) -> None:
    add_rates_dataset(workspace)  # a table with SDG indicators, for `--format sdmx-csv`
    catalogue = str(tmp_path / "catalogue")
    got, trust = str(tmp_path / "got"), "keys/kenya-lnob.pub.json"
    rates = str(tmp_path / "rates")
    (tmp_path / "again").mkdir()
    calls: list[tuple[str, ...]] = [
        ("init", str(tmp_path / "again"), "--id", "another-coalition"),
        ("validate", "health-scorecard"),
        ("publish",),
        ("publish", "youth-survey"),  # unchanged, and no human lines after the document
        ("list", catalogue),
        ("pull", catalogue, "kenya-lnob/youth-survey@1.0.0", "--to", got, "--trust", trust),
        ("verify", got, "--trust", trust),
        ("export", got, "--trust", trust, "--out", str(tmp_path / "parquet")),
        ("pull", catalogue, "kenya-lnob/barrier-rates", "--to", rates, "--trust", trust),
        ("export", rates, "--trust", trust, "--format", "sdmx-csv", "--out", str(tmp_path / "sd")),
        ("load", got, "--trust", trust, "--into", str(tmp_path / "office.duckdb")),
        ("metadata", got),
        ("metadata", got, "--format", "turtle"),
        ("site", catalogue, "--out", str(tmp_path / "site")),
        ("schema",),
        ("schema", "infer", str(SCORES)),
        ("schema", "infer", "youth-survey", "--out", str(tmp_path / "starter.json")),
        ("status", "--runs"),
        ("catalogue", "gc", catalogue),
        ("deploy",),  # no server: an error, as one document
        ("notify", "--webhook", "http://127.0.0.1:9/hook"),
    ]
    for call in calls:
        result = run(*call, "--json", cwd=workspace)
        document = one_json_document(result)
        assert document is not None, call
        if call[0] in ("deploy", "notify"):
            assert result.returncode == 2
            assert document["error"]["code"] == "prefect-server-missing"  # type: ignore[index]
        else:
            assert result.returncode == 0, (call, result.stdout, result.stderr)


def command_paths(command: object, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every command of the `cdx` tree that runs something (not a group's help alone)."""
    below = getattr(command, "commands", {})
    found = {prefix} if prefix and (not below or getattr(command, "callback", None)) else set()
    for name, sub in below.items():
        found |= command_paths(sub, (*prefix, name))
    return found


def test_every_command_says_its_errors_as_one_json_document(workspace: Path) -> None:
    """Missing paths, servers and arguments, for each command: one document with the code
    on stdout, no traceback, never ok; and no command of `cdx` is left out."""
    from typer.main import get_command

    from cdx.cli.app import app

    trust, catalogue = "keys/kenya-lnob.pub.json", str(workspace.parent / "catalogue")
    assert run("publish", "youth-survey", cwd=workspace).returncode == 0
    unreachable = "postgresql://cdx@127.0.0.1:1/office"  # nothing listens on port 1
    calls: dict[tuple[str, ...], str] = {
        ("init", ".", "--id", "another-coalition"): "coalition-exists",
        ("validate", "no-such-dataset"): "dataset-unknown",
        ("publish", "no-such-dataset"): "dataset-unknown",
        ("pull", "/no/such/dir", "kenya-lnob/youth-survey", "--to", "got"): "catalogue-not-found",
        ("verify",): "usage-invalid",  # no directory
        ("list", "/no/such/dir"): "catalogue-not-found",
        ("deploy",): "prefect-server-missing",
        ("notify", "--webhook", "http://127.0.0.1:9/hook"): "prefect-server-missing",
        ("status", "--config", "/no/such/coalition.yaml"): "config-not-found",
        ("export", "/no/such/dir", "--trust", trust): "package-not-verified",
        ("site", "/no/such/dir", "--out", "site"): "catalogue-not-found",
        ("load", "/no/such/dir", "--trust", trust): "config-invalid",
        (
            "load",
            "kenya-lnob/youth-survey",
            "--from",
            catalogue,
            "--trust",
            trust,
            "--into",
            unreachable,
        ): "load-target-unreachable",
        ("metadata", "/no/such/dir"): "metadata-missing",
        ("schema", "--no-such-option"): "usage-invalid",
        ("schema", "infer", "/no/such/file.csv"): "source-missing",
        ("catalogue", "gc", "/no/such/dir"): "catalogue-not-found",
        ("catalogue", "gc", ".", "--older-than", "soon"): "config-invalid",
    }
    for call, code in calls.items():
        result = run(*call, "--json", cwd=workspace)
        document = one_json_document(result)
        assert document["ok"] is False, (call, document)  # type: ignore[index]
        assert document["error"]["code"] == code, (call, document)  # type: ignore[index]
        assert result.returncode in (1, 2, 3) and "Traceback" not in result.stderr, call
    assert not (workspace / "got").exists() and not (workspace / "site").exists()
    commands = command_paths(get_command(app))
    asked = {call[:2] if call[0] in ("schema", "catalogue") else call[:1] for call in calls}
    asked |= {("schema", "infer"), ("schema",)}
    assert commands <= asked, commands - asked


def test_a_path_the_system_refuses_is_a_coded_error_not_a_traceback(workspace: Path) -> None:
    """A file where a folder must be, a folder no one may write: --out, --to, a package."""
    (workspace / "a-file").write_text("not a folder\n")
    trust = "keys/kenya-lnob.pub.json"
    assert run("publish", "youth-survey", cwd=workspace).returncode == 0
    catalogue = str(workspace.parent / "catalogue")
    calls = [
        ("init", "a-file"),
        ("schema", "infer", str(SCORES), "--out", "a-file/scores.json"),
        ("site", catalogue, "--out", "a-file"),
        ("export", "a-file", "--trust", trust, "--out", "parquet"),
        ("verify", "a-file", "--trust", trust),
    ]
    for call in calls:
        result = run(*call, "--json", cwd=workspace)
        error = one_json_document(result)["error"]  # type: ignore[index]
        assert error["code"] == "path-unusable", (call, error)
        assert "a-file" in error["message"] and "Traceback" not in result.stderr, call
        assert result.returncode == 2, call
    said = run("site", catalogue, "--out", "a-file", cwd=workspace)
    assert said.returncode == 2 and "Traceback" not in said.stderr
    assert "[path-unusable]" in said.stderr and "How to fix: check the path you gave" in said.stderr


def test_a_usage_error_with_json_is_one_document_and_without_it_is_typers_usage(
    workspace: Path,
) -> None:
    result = run("verify", ".", "--no-such-option", "--json", "--lang", "fr", cwd=workspace)
    assert result.returncode == 2
    error = one_json_document(result)["error"]  # type: ignore[index]
    assert error["code"] == "usage-invalid" and "--no-such-option" in error["message"]
    assert error["where"] == "cdx verify" and "`cdx verify --help`" in error["hint"]
    assert error["hint"].startswith("lancez")  # in the language asked
    plain = run("verify", ".", "--no-such-option", cwd=workspace)
    assert plain.returncode == 2 and plain.stdout == ""
    assert "Usage: cdx verify" in plain.stderr and "No such option" in plain.stderr


def test_a_failed_publish_with_json_is_still_one_document(workspace: Path) -> None:
    put_in_group_column(workspace, "woman")
    result = run("publish", "--json", cwd=workspace)
    assert result.returncode == 1
    document = one_json_document(result)
    assert document["health-scorecard"]["error"]["code"] == "dataset-invalid"  # type: ignore[index]
    assert document["youth-survey"]["ok"] is True  # type: ignore[index]


# --- options and help that mean the same everywhere -------------------------------------


def test_cdx_config_is_honoured_by_status_as_by_validate_and_publish(
    workspace: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"CDX_CONFIG": str(workspace / "coalition.yaml")}
    for call in (("status",), ("validate", "health-scorecard")):
        result = run(*call, "--json", cwd=elsewhere, env=env)
        assert result.returncode == 0, (call, result.stderr)
    rows = one_json_document(run("status", "--json", cwd=elsewhere, env=env))
    assert {row["dataset"] for row in rows} == {"health-scorecard", "youth-survey"}  # type: ignore[index, union-attr]


def test_cdx_config_is_honoured_by_init_as_by_the_commands_after_it(tmp_path: Path) -> None:
    """`CDX_CONFIG=…/nepal.yaml cdx init` writes that file and its key beside it, which
    validate and status then read through the same CDX_CONFIG; a folder given wins."""
    place, elsewhere = tmp_path / "coalitions", tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"CDX_CONFIG": str(place / "nepal.yaml")}
    made = run("init", "--id", "nepal-lnob", "--country", "NP", "--json", cwd=elsewhere, env=env)
    assert made.returncode == 0, made.stderr
    assert (place / "nepal.yaml").is_file() and (place / "keys" / "nepal-lnob.key").is_file()
    assert not (elsewhere / "coalition.yaml").exists()
    status = run("status", "--json", cwd=elsewhere, env=env)
    assert status.returncode == 0, status.stderr
    assert run("init", str(elsewhere), cwd=tmp_path, env=env).returncode == 0
    assert (elsewhere / "coalition.yaml").is_file()


def test_cdx_config_is_honoured_by_site_as_its_config_option(
    workspace: Path, tmp_path: Path
) -> None:
    """The site reads coalition.yaml's update frequencies: from CDX_CONFIG as from --config."""
    assert run("publish", "youth-survey", cwd=workspace).returncode == 0
    catalogue, missing = str(tmp_path / "catalogue"), str(tmp_path / "no" / "coalition.yaml")
    for env, option in (({"CDX_CONFIG": missing}, ()), ({}, ("--config", missing))):
        result = run("site", catalogue, "--out", "site", *option, "--json", cwd=workspace, env=env)
        assert result.returncode == 2, (env, option, result.stdout)
        assert one_json_document(result)["error"]["code"] == "config-not-found"  # type: ignore[index]
    env = {"CDX_CONFIG": str(workspace / "coalition.yaml")}
    built = run("site", catalogue, "--out", "site", "--json", cwd=tmp_path, env=env)
    assert built.returncode == 0, built.stderr
    assert one_json_document(built)["versions"] == 1  # type: ignore[index]


def test_the_config_option_reads_the_same_in_every_command(workspace: Path) -> None:
    def config_help(command: str) -> str:
        text = run(command, "--help", cwd=workspace, env={"COLUMNS": "200"}).stdout
        (line,) = (line for line in text.splitlines() if "--config" in line)
        return " ".join(line.split("<path>")[1].split())

    helps = {command: config_help(command) for command in ("init", "validate", "publish", "status")}
    helps["deploy"] = config_help("deploy")
    assert len(set(helps.values())) == 1, helps
    assert "CDX_CONFIG" in helps["status"]


def test_version(workspace: Path) -> None:
    result = run("--version", cwd=workspace)
    assert result.returncode == 0 and result.stdout.startswith("cdx ")


def test_listing_a_catalogue_that_is_not_there_is_a_coded_error(workspace: Path) -> None:
    result = run("list", "/no/such/dir", cwd=workspace)
    assert result.returncode == 2 and "[catalogue-not-found]" in result.stderr
    assert "Traceback" not in result.stderr


def test_listing_a_folder_without_packages_says_so(workspace: Path) -> None:
    """`cdx list data` (the data folder, not the catalogue) printed nothing and exit 0."""
    result = run("list", "data", cwd=workspace)
    assert result.returncode == 0
    assert "no committed packages in data: check that it is the catalogue" in result.stdout
    assert one_json_document(run("list", "data", "--json", cwd=workspace)) == []


def test_help_names_every_kind_of_catalogue_the_version_and_cdx_trust(workspace: Path) -> None:
    wide = {"COLUMNS": "250"}
    for command in ("list", "pull"):
        text = run(command, "--help", cwd=workspace, env=wide).stdout
        assert "s3://" in text and "ckan+https://" in text, command
        assert "(a directory)" not in text
    assert "@VERSION" in run("pull", "--help", cwd=workspace, env=wide).stdout
    for command in ("pull", "verify", "export"):
        assert "CDX_TRUST" in run(command, "--help", cwd=workspace, env=wide).stdout, command


def test_init_with_another_id_in_an_initialised_directory_is_a_coded_error(
    workspace: Path,
) -> None:
    result = run("init", ".", "--id", "other", cwd=workspace)
    assert result.returncode == 2 and "[coalition-exists]" in result.stderr
    assert "kenya-lnob" in result.stderr
    same = run("init", ".", "--id", "kenya-lnob", cwd=workspace)
    assert same.returncode == 0 and "kept the existing" in same.stdout


# --- servers: coded errors, never tracebacks or false success ---------------------------


def test_deploy_and_notify_without_a_server_say_how_to_start_one(workspace: Path) -> None:
    for call in (("deploy",), ("notify", "--webhook", "http://127.0.0.1:9/hook")):
        result = run(*call, cwd=workspace)
        assert result.returncode == 2, (call, result.stdout, result.stderr)
        assert "[prefect-server-missing]" in result.stderr
        assert "infra/prefect/up.sh" in result.stderr and "PREFECT_API_URL" in result.stderr
        assert "Traceback" not in result.stderr and "now notify" not in result.stdout
    assert not (workspace.parent / "home" / ".prefect").exists()


def test_a_server_that_does_not_answer_is_a_passing_error(workspace: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    for call in (("deploy",), ("publish", "health-scorecard"), ("status", "--runs")):
        result = run(*call, cwd=workspace, env=env)
        assert result.returncode == 3, (call, result.stdout, result.stderr)
        assert "[prefect-server-unreachable]" in result.stderr
        assert "Traceback" not in result.stderr
    # the steward still sees each dataset's freshness, its runs as unknown
    shown = run("status", "--runs", cwd=workspace, env={**env, "COLUMNS": "200"})
    assert "kenya-lnob/youth-survey" in shown.stdout and "never-published" in shown.stdout
    assert "unknown" in shown.stdout
    said = run("status", "--runs", "--json", cwd=workspace, env=env)
    document = one_json_document(said)
    assert said.returncode == 3 and document["error"]["code"] == "prefect-server-unreachable"  # type: ignore[index]
    assert {row["last_run"] for row in document["rows"]} == {"unknown"}  # type: ignore[index]


def test_deploy_can_still_write_prefect_yaml_without_a_server(workspace: Path) -> None:
    result = run("deploy", "--no-apply", "--write", "prefect.yaml", "--json", cwd=workspace)
    assert result.returncode == 0, result.stderr
    assert "deployments" in one_json_document(result)  # type: ignore[operator]
    assert (workspace / "prefect.yaml").is_file()


# --- run history in the coalition's directory -------------------------------------------


def test_run_history_lives_in_the_coalition_directory(
    workspace: Path, tmp_path: Path, without_prefect: dict[str, str]
) -> None:
    put_in_group_column(workspace, "woman")
    assert run("publish", cwd=workspace).returncode == 1
    other = tmp_path / "other-copy" / "kenya-lnob"
    shutil.copytree(REPO / "examples" / "kenya-lnob", other, ignore=shutil.ignore_patterns("keys"))
    assert run("init", ".", cwd=other).returncode == 0

    # no server to start or ask: the history is read without importing prefect
    mine = run("status", "--runs", "--json", cwd=workspace, env=without_prefect)
    rows = {row["dataset"]: row for row in one_json_document(mine)}  # type: ignore[union-attr]
    assert rows["health-scorecard"]["last_run"] == "Failed"
    assert "dataset-invalid" in rows["health-scorecard"]["last_run_message"]
    assert rows["youth-survey"]["last_run"] == "Completed"

    theirs = one_json_document(run("status", "--runs", "--json", cwd=other))
    assert {row["last_run"] for row in theirs} == {"none"}  # type: ignore[union-attr]
    assert (workspace / ".cdx" / "runs.jsonl").is_file()
    assert not (tmp_path / "home" / ".prefect").exists()


def test_a_steward_reads_a_failed_runs_cause_without_opening_files(
    workspace: Path, without_prefect: dict[str, str]
) -> None:
    put_in_group_column(workspace, "woman")
    assert run("publish", "health-scorecard", cwd=workspace).returncode == 1
    journal = workspace / ".cdx" / "runs.jsonl"
    killed = {"run_id": "k", "coalition": "kenya-lnob", "dataset": "youth-survey"}
    killed |= {"version": "1.0.0", "state": "Running", "started": "2026-12-08T01:00:00+00:00"}
    with journal.open("a", encoding="utf-8") as lines:
        lines.write(json.dumps(killed | {"pid": 2**22 + 1}) + "\n")  # above Linux's pid_max

    shown = run("status", "--runs", cwd=workspace, env=without_prefect)
    assert shown.returncode == 0, shown.stderr
    failed = shown.stdout.split("kenya-lnob/health-scorecard: the last run Failed")[1]
    assert "row 4, column `group`" in failed and "[constraint-enum]" in failed
    (report,) = re.findall(r"report: (\S+validation\.html)", failed)
    assert Path(report).is_file()
    assert "How to fix: correct the data" in failed
    crashed = shown.stdout.split("kenya-lnob/youth-survey: the last run Crashed")[1]
    assert "cdx catalogue gc" in crashed

    rows = {
        row["dataset"]: row
        for row in one_json_document(  # type: ignore[union-attr]
            run("status", "--runs", "--json", cwd=workspace, env=without_prefect)
        )
    }
    assert rows["health-scorecard"]["last_run_report"] == report
    assert "[constraint-enum]" in rows["health-scorecard"]["last_run_findings"][0]


# --- nothing unprotected outlives a run -------------------------------------------------


def test_a_refused_run_keeps_only_its_reports_with_values_masked(workspace: Path) -> None:
    put_in_group_column(workspace, f"Call Mama Achieng {PHONE}")
    result = run("publish", "health-scorecard", cwd=workspace)
    assert result.returncode == 1 and "[dataset-invalid]" in result.stderr
    runs = workspace / ".cdx" / "runs"
    assert not runs.exists() or not any(runs.iterdir())
    (kept,) = (workspace / ".cdx" / "quarantine" / "health-scorecard" / "1.0.0").iterdir()
    assert sorted(p.name for p in kept.iterdir()) == ["reports"]
    for report in (kept / "reports").iterdir():
        assert PHONE not in report.read_text(encoding="utf-8"), report.name
    findings = json.loads((kept / "reports" / "validation.json").read_text())["findings"]
    assert any(f["code"] == "constraint-enum" and f["field"] == "group" for f in findings)


def test_a_published_run_leaves_no_work_directory(workspace: Path) -> None:
    assert run("publish", cwd=workspace).returncode == 0
    assert run("validate", "youth-survey", cwd=workspace).returncode == 0
    runs = workspace / ".cdx" / "runs"
    assert not runs.exists() or not any(runs.iterdir())


def test_publish_with_prefect_keeps_its_history_in_the_coalition_directory(
    workspace: Path, tmp_path: Path
) -> None:
    done = run("publish", "youth-survey", "--prefect", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (workspace / ".cdx" / "prefect").is_dir()
    assert not (tmp_path / "home" / ".prefect").exists()
    runs = workspace / ".cdx" / "runs"
    assert not runs.exists() or not any(runs.iterdir())
