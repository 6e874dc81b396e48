"""State changes that cannot race: one conditional UPDATE, so the beat job, workers and two
organizers' buttons acting at the same moment never both win."""

from sqlalchemy import update

from campaign.extensions import db


def move(item, allowed, to_state, **values) -> bool:
    """Set `item.state` to `to_state` (and `values`) only if it is in `allowed`; reload `item`.
    False when another actor had moved it first."""
    model = type(item)
    changed = db.session.execute(
        update(model)
        .where(model.id == item.id, model.state.in_(allowed))
        .values(state=to_state, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(item)
    return bool(changed)
