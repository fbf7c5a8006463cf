"""Consortium scale: indexes so that the feed version queries read no more than they need.

- booking (room_id, start) replaces booking (room_id): a room feed's version counts the
  room's bookings that start from a date on, and now reads only those, not the room's
  whole history.
- room (updated_at) and layout (updated_at): every feed version reads the newest room
  and layout change; with these it is one index entry, not a scan of every room and
  layout of the consortium.

Revision ID: 0012_consortium_indexes
Revises: 0010_after_hours
"""

from alembic import op

revision = "0012_consortium_indexes"
down_revision = "0010_after_hours"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_booking_room_start", "booking", ["room_id", "start"])
    op.drop_index("ix_booking_room_id", table_name="booking")
    op.create_index("ix_room_updated_at", "room", ["updated_at"])
    op.create_index("ix_layout_updated_at", "layout", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_layout_updated_at", table_name="layout")
    op.drop_index("ix_room_updated_at", table_name="room")
    op.create_index("ix_booking_room_id", "booking", ["room_id"])
    op.drop_index("ix_booking_room_start", table_name="booking")
