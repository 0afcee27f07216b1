"""Words of the register of residents: refusals and labels."""

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "place_code_shape": _l("“%(place)s” is not a place code: up to 20 letters, digits or "
                           "dashes."),
    "place_district_parent": _l("A district has no place above it: leave the parent code "
                                "empty."),
    "place_parent_needed": _l("A street needs its district’s code, a community its "
                              "street’s."),
    "place_code_taken": _l("The code %(place)s is already used by another place."),
    "place_parent_unknown": _l("No place has the code %(place)s."),
    "place_parent_level": _l("The place %(place)s cannot hold this one: a street is in a "
                             "district, a community in a street."),
    "place_name_taken": _l("There is already a place called %(name)s there."),
    "community_name_taken": _l("There is already a community called %(name)s. Community "
                               "names are unique in the site."),
    "keeper_not_official": _l("%(name)s is not an official: only officials keep a register."),
    "not_a_community": _l("Residents are verified in a community, not in a street or "
                          "district."),
    "not_register_keeper": _l("You do not keep the register of %(community)s. The admin "
                              "names who keeps each community’s or street’s register."),
    "evidence_has_number": _l("Name the document you saw (e.g. “ID card and household "
                              "book”), never its number: the register keeps no ID numbers."),
    "account_inactive": _l("This account is switched off."),
    "already_verified": _l("This person is already verified as a resident of %(community)s."),
    "verified_elsewhere": _l("This person is verified as a resident of %(community)s. Confirm "
                             "that they moved, and that verification ends first."),
    "verify_self": _l("Officials do not verify themselves: another keeper of the register "
                      "does."),
    "verification_ended": _l("This verification has ended already."),
    "household_code_wrong": _l("This code is not right. Check it against the letter; letters "
                               "and digits only, dashes do not matter."),
    "household_code_used": _l("This code has been used already. Each code verifies one "
                              "person; ask your community for another."),
    "household_code_expired": _l("This code has expired. Ask your community for a new one."),
    "too_many_codes": _l("At most %(max)s codes at once."),
    "not_verified_here": _l("Only verified residents of %(community)s can raise topics in "
                            "its council."),
    "register_log_append_only": _l("The register’s log is never changed."),
}

METHOD_LABELS = {
    "counter": _l("in person at the service counter"),
    "household_code": _l("with a household code"),
}

LEVEL_LABELS = {
    "district": _l("District"),
    "street": _l("Street"),
    "community": _l("Community"),
}

ACTION_LABELS = {
    "verified": _l("verified"),
    "ended": _l("verification ended"),
    "codes_issued": _l("household codes issued"),
    "code_withdrawn": _l("household code withdrawn"),
}

REASON_LABELS = {"moved": _l("moved to another community"),
                 "account deleted": _l("the account was deleted")}

MESSAGES.update({
    "mobile_shared": _l("Several accounts give this mobile number; type the username."),
    "no_such_person": _l("No account has this username or mobile number."),
})

# A places sheet's rows, reported by row and column (app/messages.py import_error_text).
IMPORT_ERRORS = {code: MESSAGES[code] for code in (
    "place_code_shape", "place_district_parent", "place_parent_needed", "place_code_taken",
    "place_parent_unknown", "place_parent_level", "place_name_taken", "community_name_taken")}
IMPORT_ERRORS["unknown_level"] = _l("Unknown level; use 区, 街道 or 社区.")
