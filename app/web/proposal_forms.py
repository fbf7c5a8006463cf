"""Forms of the proposal pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import AgoraForm


class ProposalForm(AgoraForm):
    """Propose an activity: what, for whom, what you want and what you need, roughly when."""

    title = StringField(_l("What would you like to do?"),
                        validators=[DataRequired(), Length(max=200)])
    for_whom = TextAreaField(_l("For whom?"), validators=[Optional(), Length(max=2000)])
    wants = TextAreaField(_l("What do you want? Tell us about the idea"),
                          validators=[Optional(), Length(max=2000)])
    people_expected = IntegerField(_l("How many people do you expect?"), default=10,
                                   validators=[InputRequired(), NumberRange(1, 10_000)])
    room_kind = StringField(_l("What kind of room?"), validators=[Optional(), Length(max=200)])
    furniture = TextAreaField(_l("Furniture and equipment you need"),
                              validators=[Optional(), Length(max=2000)])
    staff_help = TextAreaField(_l("Help you would like from the library's staff"),
                               validators=[Optional(), Length(max=2000)])
    timing = StringField(_l("Roughly when? (e.g. Tuesday evenings in spring)"),
                         validators=[Optional(), Length(max=300)])
    association_id = SelectField(_l("On behalf of"), coerce=int, default=0)
    branch_id = SelectField(_l("Which library?"), coerce=int, default=0)


class SupportForm(AgoraForm):
    """One click: "I'd come", "I can help", take it back, tell me when it happens."""

    kind = HiddenField(validators=[DataRequired()])
    action = HiddenField(validators=[DataRequired()])


class CoffeeForm(AgoraForm):
    """Staff offer a time and place for a conversation over a cup of coffee."""

    branch_id = SelectField(_l("Library"), coerce=int)
    place = StringField(_l("Where in the library"), validators=[Optional(), Length(max=200)])
    day = DateField(_l("Date"), validators=[InputRequired()])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("Until"), validators=[InputRequired()])


STATE_CHOICES = (
    SelectChoice("dialogue", _l("In dialogue")),
    SelectChoice("proposed", _l("Back to proposed")),
    SelectChoice("happened", _l("It happened")),
    SelectChoice("not_now", _l("Not now")),
)


class StateForm(AgoraForm):
    """Staff move a proposal; "not now" needs a kind reason."""

    state = SelectField(_l("Move it to"), choices=STATE_CHOICES)
    reason = TextAreaField(_l("Why not now? The proposer reads this"),
                           validators=[Optional(), Length(max=2000)])


class RoomSearchForm(AgoraForm):
    """Staff look for a room for the proposal: a library, a date and times (a GET form)."""

    class Meta:
        csrf = False

    branch_id = SelectField(_l("Library"), coerce=int)
    day = DateField(_l("Date"), validators=[InputRequired()])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("Until"), validators=[InputRequired()])


class ScheduleForm(AgoraForm):
    """Schedule the proposal into one of the candidate rooms (hidden fields from the search)."""

    room_id = HiddenField(validators=[DataRequired()])
    layout_id = HiddenField()
    arrange = HiddenField()
    branch_id = HiddenField(validators=[DataRequired()])
    day = HiddenField(validators=[DataRequired()])
    start = HiddenField(validators=[DataRequired()])
    end = HiddenField(validators=[DataRequired()])
