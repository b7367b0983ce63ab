"""Publishing: the explicit second step for tools whose writes land as drafts (Webflow).

Applying writes the staged version; the site changes only when a person publishes, which is
recorded like every other action, or asks for both at once (`staging.apply.apply(publish=True)`).
Reverting a published changeset publishes the reverted text again, so the live site follows:
`staging.apply.revert` does it itself, whoever asks.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from connectors.errors import ConfigError
from connectors.protocol import Connector, Publisher
from staging import changesets, identity, lifecycle, review
from staging.lifecycle import Status
from staging.models import Changeset, saved_id, utcnow
from staging.review import DEFAULT_POLICY, ReviewPolicy
from staging.store import Store, remote_ref


def can_publish(connector: Connector) -> bool:
    return isinstance(connector, Publisher)


def publish_step(connector: Connector, changeset: Changeset) -> Publisher:
    """The connector's publish step, or a refusal for a tool whose writes are live at once."""
    if not isinstance(connector, Publisher):
        raise ConfigError(f"{changeset.source} has no publish step: an applied changeset is live already.")
    return connector


def publish(store: Store, connector: Connector, changeset_id: int, *, actor: str,
            policy: ReviewPolicy = DEFAULT_POLICY) -> Changeset:
    """Publish an applied changeset's document, or explain why it cannot be. A publisher
    publishes, and only content the stored approvals still cover."""
    actor = identity.checked(actor)
    policy.require(actor, "publish")
    changeset = changesets.get(store, changeset_id)
    tool = publish_step(connector, changeset)
    if changeset.status != Status.APPLIED:
        raise lifecycle.refused(f"Changeset {changeset_id} is {changeset.status}; only an applied changeset is "
                                f"published (apply it first with `copydesk apply {changeset_id}`).",
                                in_app=f"Changeset {changeset_id} is {changeset.status}; only an applied changeset "
                                       "is published: apply it first.")
    review.require_approved(store, changeset, changesets.edits(store, changeset_id), policy)
    return _publish(store, tool, changeset, actor=actor, action="changeset.published")


def republish_after_revert(store: Store, connector: Connector, changeset_id: int, *, actor: str) -> Changeset:
    """After reverting a changeset that had been published, publish the reverted text too."""
    changeset = changesets.get(store, changeset_id)
    if changeset.published_at is None or not isinstance(connector, Publisher):
        return changeset
    return _publish(store, connector, changeset, actor=actor, action="changeset.republished")


def _publish(store: Store, connector: Publisher, changeset: Changeset, *, actor: str, action: str) -> Changeset:
    tracked = store.document(changeset.document_id)
    if tracked is None:
        raise ConfigError(f"The store lost document {changeset.document_id}; pull again.")
    answer = connector.publish([remote_ref(tracked)])
    with store.session() as session:
        session.exec(update(Changeset).where(col(Changeset.id) == changeset.id)
                     .values(published_at=utcnow(), updated_at=utcnow()))
        session.commit()
    store.log_event(actor, action, lifecycle.subject(saved_id(changeset)), {"answer": answer})
    return changesets.get(store, saved_id(changeset))
