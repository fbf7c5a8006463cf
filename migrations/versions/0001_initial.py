"""The initial schema: accounts, associations, branches, rooms and their cells, layouts,
bookings, occurrences, and the claims PostgreSQL's exclusion constraint guards.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-29 06:26:24.952505

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('branch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('rule_pack', sa.String(length=32), nullable=False),
    sa.Column('opening_hours', sa.Text(), nullable=False),
    sa.Column('quota_hours_per_week', sa.Integer(), nullable=True),
    sa.Column('quota_bookings_per_week', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch')),
    sa.UniqueConstraint('name', name=op.f('uq_branch_name'))
    )
    op.create_table('furniture_kind',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('width', sa.Float(), nullable=False),
    sa.Column('depth', sa.Float(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('clearance', sa.Float(), nullable=False),
    sa.Column('stackable', sa.Boolean(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_furniture_kind'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('staff', 'member')", name=op.f('ck_user_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('api', 'feed')", name=op.f('ck_api_token_purpose')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('association',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_association_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], name=op.f('fk_association_verified_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_association'))
    )
    op.create_table('closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_closure_branch_id_branch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure'))
    )
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closure_branch_id'), ['branch_id'], unique=False)

    op.create_table('floor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_floor_branch_id_branch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_floor')),
    sa.UniqueConstraint('branch_id', 'name', name='uq_floor_branch_name')
    )
    with op.batch_alter_table('floor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_floor_branch_id'), ['branch_id'], unique=False)

    op.create_table('floor_cell',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('floor_id', sa.Integer(), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('geometry', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['floor_id'], ['floor.id'], name=op.f('fk_floor_cell_floor_id_floor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_floor_cell'))
    )
    with op.batch_alter_table('floor_cell', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_floor_cell_floor_id'), ['floor_id'], unique=False)

    op.create_table('membership',
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('member', 'admin')", name=op.f('ck_membership_role')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_membership_association_id_association'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_membership_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('association_id', 'user_id', name=op.f('pk_membership'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table('room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('floor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('outline', sa.Text(), nullable=False),
    sa.Column('doors', sa.Text(), nullable=False),
    sa.Column('obstacles', sa.Text(), nullable=False),
    sa.Column('amenities', sa.Text(), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('max_attendees', sa.Integer(), nullable=True),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('min_minutes', sa.Integer(), nullable=False),
    sa.Column('max_minutes', sa.Integer(), nullable=False),
    sa.Column('buffer_minutes', sa.Integer(), nullable=False),
    sa.Column('lead_hours', sa.Integer(), nullable=False),
    sa.Column('horizon_days', sa.Integer(), nullable=False),
    sa.Column('requires_approval', sa.Boolean(), nullable=False),
    sa.Column('changeover_minutes', sa.Integer(), nullable=False),
    sa.Column('bookable', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('buffer_minutes >= 0 AND changeover_minutes >= 0', name=op.f('ck_room_buffers')),
    sa.CheckConstraint('min_minutes > 0 AND max_minutes >= min_minutes', name=op.f('ck_room_durations')),
    sa.CheckConstraint('slot_minutes > 0', name=op.f('ck_room_slot_positive')),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_room_branch_id_branch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['floor_id'], ['floor.id'], name=op.f('fk_room_floor_id_floor'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room')),
    sa.UniqueConstraint('branch_id', 'name', name='uq_room_branch_name')
    )
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_room_floor_id'), ['floor_id'], unique=False)

    op.create_table('cell_room',
    sa.Column('cell_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cell_id'], ['floor_cell.id'], name=op.f('fk_cell_room_cell_id_floor_cell'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_cell_room_room_id_room'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cell_id', 'room_id', name=op.f('pk_cell_room'))
    )
    with op.batch_alter_table('cell_room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cell_room_room_id'), ['room_id'], unique=False)

    op.create_table('layout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('style', sa.String(length=20), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('limits', sa.Text(), nullable=False),
    sa.Column('binding', sa.String(length=40), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_layout_room_id_room'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_layout')),
    sa.UniqueConstraint('room_id', 'name', name='uq_layout_room_name')
    )
    with op.batch_alter_table('layout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_layout_room_id'), ['room_id'], unique=False)

    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=64), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('layout_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('attendees', sa.Integer(), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rrule', sa.String(length=300), nullable=True),
    sa.Column('exdates', sa.Text(), nullable=False),
    sa.Column('series_parent_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'rejected', 'cancelled')", name=op.f('ck_booking_status')),
    sa.CheckConstraint('"end" > start', name=op.f('ck_booking_end_after_start')),
    sa.CheckConstraint('attendees > 0', name=op.f('ck_booking_attendees_positive')),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], name=op.f('fk_booking_association_id_association'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booked_by_id'], ['user.id'], name=op.f('fk_booking_booked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['layout_id'], ['layout.id'], name=op.f('fk_booking_layout_id_layout'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_booking_room_id_room'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['series_parent_id'], ['booking.id'], name=op.f('fk_booking_series_parent_id_booking'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking')),
    sa.UniqueConstraint('uid', name=op.f('uq_booking_uid'))
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_booked_by_id'), ['booked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_updated_at'), ['updated_at'], unique=False)

    op.create_table('occurrence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('block_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('block_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('original_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('modified', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('"end" > start', name=op.f('ck_occurrence_end_after_start')),
    sa.CheckConstraint('block_end >= "end" AND block_start <= start', name=op.f('ck_occurrence_block_covers')),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_occurrence_booking_id_booking'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_occurrence_room_id_room'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occurrence')),
    sa.UniqueConstraint('booking_id', 'original_start', name='uq_occurrence_booking_original')
    )
    with op.batch_alter_table('occurrence', schema=None) as batch_op:
        batch_op.create_index('ix_occurrence_room_block', ['room_id', 'block_start'], unique=False)
        batch_op.create_index('ix_occurrence_start_end', ['start', 'end'], unique=False)

    op.create_table('occurrence_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('cell_id', sa.Integer(), nullable=False),
    sa.Column('block_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('block_end', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cell_id'], ['floor_cell.id'], name=op.f('fk_occurrence_claim_cell_id_floor_cell'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['occurrence_id'], ['occurrence.id'], name=op.f('fk_occurrence_claim_occurrence_id_occurrence'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occurrence_claim'))
    )
    with op.batch_alter_table('occurrence_claim', schema=None) as batch_op:
        batch_op.create_index('ix_occurrence_claim_cell_start', ['cell_id', 'block_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_occurrence_claim_occurrence_id'), ['occurrence_id'], unique=False)
    op.create_index("uq_user_email_lower", "user", [sa.text("lower(email)")], unique=True)
    op.create_index("uq_association_name_lower", "association", [sa.text("lower(name)")],
                    unique=True)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE occurrence_claim ADD CONSTRAINT ex_occurrence_claim_no_overlap "
            "EXCLUDE USING gist (cell_id WITH =, tstzrange(block_start, block_end, '[)') WITH &&)"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE occurrence_claim DROP CONSTRAINT ex_occurrence_claim_no_overlap")
    op.drop_index("uq_association_name_lower", table_name="association")
    op.drop_index("uq_user_email_lower", table_name="user")
    with op.batch_alter_table('occurrence_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occurrence_claim_occurrence_id'))
        batch_op.drop_index('ix_occurrence_claim_cell_start')

    op.drop_table('occurrence_claim')
    with op.batch_alter_table('occurrence', schema=None) as batch_op:
        batch_op.drop_index('ix_occurrence_start_end')
        batch_op.drop_index('ix_occurrence_room_block')

    op.drop_table('occurrence')
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_updated_at'))
        batch_op.drop_index(batch_op.f('ix_booking_room_id'))
        batch_op.drop_index(batch_op.f('ix_booking_booked_by_id'))
        batch_op.drop_index(batch_op.f('ix_booking_association_id'))

    op.drop_table('booking')
    with op.batch_alter_table('layout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_layout_room_id'))

    op.drop_table('layout')
    with op.batch_alter_table('cell_room', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cell_room_room_id'))

    op.drop_table('cell_room')
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_floor_id'))
        batch_op.drop_index(batch_op.f('ix_room_branch_id'))

    op.drop_table('room')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))

    op.drop_table('membership')
    with op.batch_alter_table('floor_cell', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_floor_cell_floor_id'))

    op.drop_table('floor_cell')
    with op.batch_alter_table('floor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_floor_branch_id'))

    op.drop_table('floor')
    with op.batch_alter_table('closure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closure_branch_id'))

    op.drop_table('closure')
    op.drop_table('association')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('user')
    op.drop_table('furniture_kind')
    op.drop_table('branch')
