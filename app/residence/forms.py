"""Forms of the register of residents and of places."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import FlaskForm, choices
from app.residence.messages import LEVEL_LABELS
from votes.places import CODE_MAX, NAME_MAX
from votes.residence import ADDRESS_MAX, EVIDENCE_MAX, REASON_MAX


class HouseholdCodeForm(FlaskForm):
    code = StringField(_l("Household code"),
                       description=_l("The 12 letters and digits printed on the letter your "
                                      "community sent to your address, e.g. ABCD-EFGH-JKMN."),
                       validators=[DataRequired(), Length(max=30)])
    end_other = BooleanField(_l("I have moved: end my verification in my former community"))
    submit = SubmitField(_l("Verify me"))


class VerifyForm(FlaskForm):
    person = StringField(_l("The person’s username or mobile number"),
                         validators=[DataRequired(), Length(max=40)])
    evidence = StringField(
        _l("What you saw"),
        description=_l("The kind of document, e.g. “ID card and household book” or "
                       "“residence permit and tenancy contract”. Never its number."),
        validators=[DataRequired(), Length(max=EVIDENCE_MAX)])
    address = StringField(_l("Address in the community (optional)"),
                          description=_l("Building, unit and door, e.g. 3号楼2单元501."),
                          validators=[Optional(), Length(max=ADDRESS_MAX)])
    end_other = BooleanField(_l("They moved here: end their verification in another "
                                "community"))
    submit = SubmitField(_l("Verify as a resident"))


class EndForm(FlaskForm):
    reason = StringField(_l("Why it ends"),
                         description=_l("e.g. moved away, entered in error."),
                         validators=[DataRequired(), Length(max=REASON_MAX)])
    submit = SubmitField(_l("End verification"))


class CodesForm(FlaskForm):
    addresses = TextAreaField(
        _l("Addresses, one per line"),
        description=_l("One code is printed for each address; each code verifies one "
                       "person once and expires after 90 days."),
        validators=[DataRequired()])
    submit = SubmitField(_l("Print household codes"))


class ActionForm(FlaskForm):
    """A button whose only content is its CSRF token."""


class PlaceForm(FlaskForm):
    level = SelectField(_l("Level"), choices=choices(LEVEL_LABELS), default="community",
                        validators=[DataRequired()])
    code = StringField(_l("Code"), description=_l("The statistical division code, e.g. "
                                                  "110105001001."),
                       validators=[DataRequired(), Length(max=CODE_MAX)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    parent_code = StringField(_l("Code of the place above it"),
                              description=_l("A street’s district, a community’s street; "
                                             "empty for a district."),
                              validators=[Optional(), Length(max=CODE_MAX)])
    submit = SubmitField(_l("Add the place"))


class RenameForm(FlaskForm):
    name = StringField(_l("New name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    submit = SubmitField(_l("Rename"))


class PlacesImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"),
                     description=_l("Columns 级别, 代码, 名称, 上级代码; a parent above its "
                                    "children. Nothing is added unless every row is valid."))
    submit = SubmitField(_l("Check and import"))


class KeeperForm(FlaskForm):
    official = StringField(_l("Official’s username"), validators=[DataRequired(),
                                                                  Length(max=40)])
    place_code = StringField(_l("Code of the community or street"),
                             validators=[DataRequired(), Length(max=CODE_MAX)])
    submit = SubmitField(_l("Name as keeper"))


class RosterImportForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"),
                     description=_l("Columns 姓名, 手机号, 地址 (name, mobile number, address in "
                                    "the community). The file becomes the community’s roster; "
                                    "nothing is imported unless every row is valid."))
    submit = SubmitField(_l("Check and import"))
