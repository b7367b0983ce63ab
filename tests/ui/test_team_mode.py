"""Team mode: several processes on one PostgreSQL store at once, as a team runs copydesk (two
app servers, a scheduler on each of two hosts, someone at the command line).

Every member is a real OS process, and they start through a barrier: each gets ready (opens
the app page, say), says so with a file, then waits for the start time the test writes into
the `go` file, so they reach the store together and only its compare-and-swap and leases keep
them apart. PostgreSQL only: it is the store a team shares (SQLite lets one writer in at a
time anyway); under CI=true a missing server fails, as for every PostgreSQL test.

Run as `python -m tests.ui.test_team_mode DIR`, this module forks the members listed in
DIR/team.json (see `_launch`).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import traceback
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Callable

import pytest
from sqlmodel import col, select

from connectors.document import DocumentRef
from staging import changesets
from staging.agent import briefs
from staging.changesets import ProposedEdit
from staging.config import load_settings
from staging.models import Event, Pull, Revision, SweepRun
from staging.pull import pull
from staging.store import Store
from tests.conftest import REPO

pytestmark = [pytest.mark.postgres, pytest.mark.parametrize("store", ["postgres"], indirect=True)]

EDITS = 3
LEAD = 0.5  # seconds from every member being ready to the common start
# What every member runs (the CLI, the app's pages under AppTest), and the SDKs the Google
# Docs and Webflow connectors import on first use.
PRELOADED = ("ui.cli", "tests.ui.web.conftest", "connectors.gdocs", "connectors.webflow")


# -- the team -------------------------------------------------------------------------------------


def _launch(team: Path) -> None:
    """Import copydesk once, then fork each member: three interpreters importing it at the
    same time take seconds on two cores, and a member importing an SDK on first use would
    reach the store seconds after the others. Each member's exit code lands in NAME.code."""
    for module in PRELOADED:
        importlib.import_module(module)
    while not (team / "team.json").exists():  # the test sets up meanwhile
        time.sleep(0.01)
    plan = json.loads((team / "team.json").read_text())
    children = {}
    for member in plan["members"]:
        pid = os.fork()
        if pid == 0:
            os._exit(_forked(team, **member))
        children[pid] = member["name"]
    while children:
        pid, status = os.wait()
        _write_at_once(team / f"{children.pop(pid)}.code", str(os.waitstatus_to_exitcode(status)))


def _forked(team: Path, name: str, role: str, args: list[str]) -> int:
    """One member, its output in NAME.out and NAME.err, acting as COPYDESK_ACTOR=NAME."""
    os.environ["COPYDESK_ACTOR"] = name
    for stream, suffix in ((sys.stdout, "out"), (sys.stderr, "err")):
        with (team / f"{name}.{suffix}").open("w") as file:
            os.dup2(file.fileno(), stream.fileno())
    try:
        ROLES[role](args, Barrier(team / f"{name}.ready", team / "go"))
        return 0
    except SystemExit as done:  # a copydesk command's exit
        return int(done.code or 0)
    except BaseException:
        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


class Barrier:
    """A member says it is ready (with its pid), then learns the common start time."""

    def __init__(self, ready: Path, go: Path) -> None:
        self.ready, self.go = ready, go

    def start(self) -> float:
        """The start time (seconds since the epoch), once every member is ready."""
        _write_at_once(self.ready, str(os.getpid()))
        while not self.go.exists():
            time.sleep(0.005)
        return float(self.go.read_text())

    def wait(self) -> None:
        time.sleep(max(0.0, self.start() - time.time()))


def _app(args: list[str], barrier: Barrier) -> None:
    """An app server's session: changeset ARGS[0] open in the review app (AppTest, as
    tests/ui/web drives it), Apply confirmed at the start; prints the messages shown."""
    from tests.ui.web.conftest import page, texts

    review = page("queue_page", changeset=args[0])
    assert [b.label for b in review.button if b.key == "apply"] == ["Apply"], texts(review, "error")
    review.button(key="apply").click().run()  # opens the confirmation; Confirm writes
    barrier.wait()
    review.button(key="confirm-apply").click().run()
    print(json.dumps({"success": texts(review, "success"), "error": texts(review, "error")}))


def _cli(args: list[str], barrier: Barrier) -> None:
    """`copydesk ARGS` at the start."""
    from ui.cli import app as copydesk

    barrier.wait()
    copydesk(args)


def _schedule(args: list[str], barrier: Barrier) -> None:
    """`copydesk schedule` (until Ctrl-C), its cron's next fire moved to the start: cron
    fires on minute boundaries, and a test must not wait for one. The barrier is met when
    the scheduler starts, so it is set up (store open, connectors made) by then."""
    from apscheduler.triggers.base import BaseTrigger

    from ui import sweep_commands
    from ui.cli import app as copydesk

    class AtTheStart(BaseTrigger):
        def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
            return None if previous_fire_time else datetime.fromtimestamp(barrier.start(), UTC)

    sweep_commands.trigger = lambda cron, tz: AtTheStart()
    copydesk(["schedule", *args])


ROLES = {"app": _app, "cli": _cli, "schedule": _schedule}


@dataclass
class Member:
    """One member as the test sees it: its files in the team's directory."""

    team: Path
    name: str
    role: str
    args: list[str]

    def stdout(self) -> str:
        return self._read("out")

    def stderr(self) -> str:
        return self._read("err")

    def code(self) -> int | None:
        """The exit code, once the member has exited."""
        return int(self._read("code")) if (self.team / f"{self.name}.code").exists() else None

    def ready(self) -> bool:
        return (self.team / f"{self.name}.ready").exists()

    def interrupt(self) -> None:
        """Ctrl-C, as a person stops `copydesk schedule`."""
        os.kill(int(self._read("ready")), signal.SIGINT)

    def wait(self, timeout: float = 60) -> int:
        _until(lambda: self.code() is not None, f"{self.name} to finish", self, timeout)
        return self.code()

    def _read(self, suffix: str) -> str:
        path = self.team / f"{self.name}.{suffix}"
        return path.read_text() if path.exists() else ""


def _until(condition: Callable[[], bool], what: str, member: Member, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}: {member.stdout()} {member.stderr()[-3000:]}")
        time.sleep(0.02)


class Team:
    """Members on one store and one copydesk.toml, released together by `go`. The launcher
    starts at once, to import copydesk while the test sets up."""

    def __init__(self, workdir: Path, store: Store) -> None:
        self.dir = workdir / "team"
        self.dir.mkdir()
        env = os.environ | {"COPYDESK_CONFIG": str(workdir / "copydesk.toml"), "COPYDESK_DATABASE_URL": store.url}
        with (self.dir / "launcher.err").open("w") as err:
            self.launcher = subprocess.Popen([sys.executable, "-m", "tests.ui.test_team_mode", str(self.dir)],
                                             cwd=REPO, env=env, stderr=err, start_new_session=True)
        self.members: list[Member] = []

    def add(self, name: str, role: str, *args: str) -> Member:
        self.members.append(Member(self.dir, name, role, list(args)))
        return self.members[-1]

    def go(self) -> float:
        """Fork the members, wait until every one is ready,
        then name the start: in a moment, and never in a minute's last seconds, so that
        schedulers firing at it file it under one minute slot."""
        members = [{"name": m.name, "role": m.role, "args": m.args} for m in self.members]
        _write_at_once(self.dir / "team.json", json.dumps({"members": members}))
        for member in self.members:
            self._until_ready(member)
        start = time.time() + LEAD
        start += 0 if start % 60 < 57 else 60.5 - start % 60
        _write_at_once(self.dir / "go", repr(start))
        return start

    def _until_ready(self, member: Member) -> None:
        _until(lambda: member.ready() or member.code() is not None or self.launcher.poll() is not None,
               f"{member.name} to get ready", member)
        if not member.ready():
            pytest.fail(f"{member.name} exited before it was ready: {member.stderr()[-3000:]} "
                        f"{(self.dir / 'launcher.err').read_text()[-3000:]}")

    def stop(self) -> None:
        """The launcher and every member left (they share its process group)."""
        if self.launcher.poll() is None:
            os.killpg(self.launcher.pid, signal.SIGKILL)
            self.launcher.wait()


def _write_at_once(path: Path, text: str) -> None:
    """No reader polling for `path` ever sees it half written."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.rename(path)


@pytest.fixture
def team(workdir, store):
    team = Team(workdir, store)
    yield team
    team.stop()


# -- a) apply: two app servers and a CLI --------------------------------------------------------


def _approved(store: Store, sandbox) -> tuple[int, DocumentRef, list]:
    """An approved changeset of three paragraph edits on the Notion page "Product overview"."""
    connector = sandbox.connector()
    pull(store, connector)
    tracked = store.find_documents(title="Product overview")[0]
    ref = DocumentRef(source="notion", remote_id=tracked.remote_id, kind="page", title=tracked.title)
    paragraphs = [b for b in connector.fetch(ref).blocks if b.kind == "paragraph" and len(b.text) > 20][:EDITS]
    changeset = changesets.stage(store, tracked, [ProposedEdit(b.id, b.text + " Revised.") for b in paragraphs],
                                 actor="test")
    changesets.approve(store, changeset.id, actor="reviewer")
    return changeset.id, ref, paragraphs


def _patches(sandbox) -> int:
    return sum(n for route, n in sandbox.stats()["routes"].items() if route.startswith("PATCH"))


def test_two_app_servers_and_a_cli_applying_one_changeset_write_it_once(store, sandbox, team):
    """Apply clicked in two app servers as `copydesk apply` runs: the changeset's status is
    compare-and-swapped, so one writes it to Notion and the other two are refused."""
    changeset_id, ref, paragraphs = _approved(store, sandbox)
    # slow writes: the winner still holds the changeset while the others try
    sandbox.post("faults", {"status": 0, "hang": 0.3, "match": "PATCH /v1/blocks", "count": EDITS})
    apps = [team.add(f"app-{n}", "app", str(changeset_id)) for n in (1, 2)]
    cli = team.add("cli", "cli", "apply", str(changeset_id))
    team.go()

    assert [app.wait() for app in apps] == [0, 0], [app.stderr() for app in apps]
    flashes = {app.name: json.loads(app.stdout()) for app in apps}
    said = {name: (bool(f["success"]), " ".join(f["success"] or f["error"])) for name, f in flashes.items()}
    said["cli"] = (cli.wait() == 0, cli.stdout() if cli.code() == 0 else cli.stderr())
    assert [applied for applied, _ in said.values()].count(True) == 1, said
    refusal = re.compile(f"Changeset {changeset_id} is (being applied right now( by|;)|applied; only)")  # CLI or app words
    assert all(refusal.search(message) for applied, message in said.values() if not applied), said
    assert _patches(sandbox) == EDITS, "one apply's writes reached Notion, no more"
    actions = [e.action for e in store.events(subject=changesets.subject(changeset_id))]
    assert actions.count("changeset.apply.started") == 1 and actions.count("changeset.apply.done") == 1
    assert changesets.get(store, changeset_id).status == "applied"
    now = sandbox.connector().fetch(ref)
    assert all(now.block(b.id).text == b.text + " Revised." for b in paragraphs)


# -- b) sweeps: two schedulers and a CLI ------------------------------------------------------

BRIEF = "## Terms\n- onboarding engineer -> onboarding specialist\n"  # wording few pages use: a short sweep


def _overlapping(intervals: list[tuple[datetime, datetime]]) -> list:
    return [(a, b) for a, b in combinations(sorted(intervals), 2) if b[0] < a[1]]


def test_two_schedulers_and_a_cli_never_sweep_at_once_and_sweep_a_slot_once(store, sandbox, workdir, team):
    """Two `copydesk schedule` firing for one slot as `copydesk sweep` runs: the `sweep` lease
    lets one sweep at a time, the slot gets one scheduled sweep, and nobody fails half-way."""
    briefs.add(store, BRIEF, source="brief.md", actor="test")
    config = workdir / "copydesk.toml"
    config.write_text(config.read_text() + '\n[schedule]\ncron = "* * * * *"\n')
    # a slow first listing: whoever sweeps is still at it while the others try
    sandbox.post("faults", {"status": 0, "hang": 0.5, "match": "POST /v1/search", "count": 1})
    schedulers = [team.add(f"scheduler-{n}", "schedule") for n in (1, 2)]
    cli = team.add("cli", "cli", "sweep", "--json")
    start = team.go()

    said = [_fire(scheduler) for scheduler in schedulers]
    slot = f"{datetime.fromtimestamp(start, UTC):%Y-%m-%d %H:%M} "
    assert all(line.startswith(slot) for line in said), said
    cli_swept = cli.wait() == 0
    assert cli_swept or "Another process is sweeping right now" in cli.stderr(), cli.stderr()
    with store.session() as session:
        runs = list(session.exec(select(SweepRun)))
        scheduled = list(session.exec(select(Event).where(Event.action == "sweep", Event.actor == "scheduler")))
    assert not _overlapping([(r.started_at, r.started_at + timedelta(seconds=r.seconds)) for r in runs])
    assert sum("Sweep " in line for line in said) == len(scheduled) <= 1, said
    assert len(runs) == len(scheduled) + cli_swept, "a sweep for each that said it swept, no other"


def _fire(scheduler: Member) -> str:
    """What the scheduler said its fire did (a sweep or a skip), once it has; then Ctrl-C."""
    _until(lambda: "Sweep " in scheduler.stdout() or "skipped" in scheduler.stdout() or "failed" in scheduler.stderr(),
           f"{scheduler.name}'s fire", scheduler)
    scheduler.interrupt()
    assert scheduler.wait() == 0 and "failed" not in scheduler.stderr(), scheduler.stderr()
    return scheduler.stdout().splitlines()[-1]


# -- c) pulls of one source -------------------------------------------------------------------


def _contents(store: Store) -> dict[str, list[str]]:
    """Each document's revisions (their content hashes), oldest first."""
    with store.session() as session:
        rows = session.exec(select(Revision.document_id, Revision.blob_sha256).order_by(col(Revision.observed_at)))
        contents: dict[str, list[str]] = {}
        for document_id, sha in rows:
            contents.setdefault(document_id, []).append(sha)
    return contents


def test_pulls_of_one_source_at_once_do_not_interleave(store, sandbox, workdir, team, tmp_path):
    """Three `copydesk pull --source notion` at once: one pulls, the others are told a pull
    is under way; the store holds what one pull alone stores."""
    single = Store(f"sqlite:///{tmp_path / 'single.db'}")
    with closing(load_settings(workdir / "copydesk.toml").connector("notion")) as connector:
        pull(single, connector)
    expected = _contents(single)
    single.close()
    # a slow first listing: the winner is still pulling while the others try
    sandbox.post("faults", {"status": 0, "hang": 0.5, "match": "POST /v1/search", "count": 1})
    pullers = [team.add(f"cli-{n}", "cli", "pull", "--source", "notion", "--json") for n in range(3)]
    team.go()

    refused = [p.stderr() for p in pullers if p.wait()]
    assert all("Another process is pulling notion right now" in r for r in refused), refused
    assert len(refused) < len(pullers)
    with store.session() as session:
        pulls = list(session.exec(select(Pull).where(Pull.source == "notion")))
    assert [p.status for p in pulls] == ["ok"] * (len(pullers) - len(refused))
    assert not _overlapping([(p.started_at, p.finished_at) for p in pulls])
    assert _contents(store) == expected, "the same documents and revisions as one pull, none twice"


if __name__ == "__main__":
    _launch(Path(sys.argv[1]))
