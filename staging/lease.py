"""Named leases in the database: of several processes (two schedulers, app servers, a CLI),
only one does a thing at a time. A lease expires, so a dead holder cannot keep it."""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from staging.models import Lease, utcnow
from staging.store import Store

LEASE_TTL = timedelta(hours=2)  # longer than any sweep or pull; a dead holder's lease lapses after it


def holder() -> str:
    """Who holds a lease: this thread of this process on this host."""
    return f"{os.getpid()}.{threading.get_ident()}@{socket.gethostname()}"


def acquire(store: Store, name: str, who: str, ttl: timedelta = LEASE_TTL) -> bool:
    """Take the lease if it is free, lapsed, already ours, or held by a process of this host
    that has died (a killed sweep must not block the next one for hours); compare-and-swap."""
    now = utcnow()
    with store.session() as session:
        try:
            session.add(Lease(name=name, holder="", expires_at=now))
            session.commit()
        except IntegrityError:
            session.rollback()  # it exists already: take it below if we may
        result = session.exec(update(Lease).where(
            col(Lease.name) == name, (col(Lease.expires_at) <= now) | (col(Lease.holder) == who))
            .values(holder=who, expires_at=now + ttl))
        session.commit()
        if result.rowcount == 1:
            return True
        current = session.get(Lease, name)
        if current is None or not process_gone(current.holder):
            return False
        result = session.exec(update(Lease).where(
            col(Lease.name) == name, col(Lease.holder) == current.holder).values(holder=who, expires_at=now + ttl))
        session.commit()
    return result.rowcount == 1


def process_gone(claim: str) -> bool:
    """Whether `claim` ("pid@host" or "pid.thread@host") names a process of this host that no
    longer runs. A process elsewhere cannot be checked from here: False."""
    who, _, host = claim.partition("@")
    pid = who.split(".")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it runs, as another user
    return False


def release(store: Store, name: str, who: str) -> None:
    with store.session() as session:
        session.exec(update(Lease).where(col(Lease.name) == name, col(Lease.holder) == who)
                     .values(expires_at=utcnow()))
        session.commit()
