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
    "unknown_community": _l("%(community)s is not on the list of communities. Choose one "
                            "from the list, or ask an administrator to add it."),
    "place_not_a_community": _l("%(community)s is a street or a district: choose one of its "
                                "communities."),
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

# Accounts: one person, one account (votes/mobiles.py, app/auth/mobile.py), assisted
# accounts and the community's roster (votes/roster.py). Here, not in app/auth/, whose
# package imports its views.
MESSAGES.update({
    "mobile_malformed": _l("A mainland mobile number has 11 digits and starts with 1, e.g. "
                           "138 0013 8000 (+86 before it is fine)."),
    "mobile_taken": _l("This number is confirmed by another account already. One person has "
                       "one account: sign in to that one (by a code to this number, or reset "
                       "its password). This account stays without the number; you can "
                       "delete it from your account page."),
    "mobile_code_wrong": _l("This code is wrong or has expired."),
    "mobile_unconfirmed": _l("This account’s mobile number is not confirmed yet. The person "
                             "confirms it first, with the code texted to it (My account → My "
                             "mobile number); one person, one account."),
    "mobile_owned": _l("This number is confirmed by the account %(username)s already: one "
                       "person, one account."),
    "reset_needs_mobile": _l("This account has no mobile number to text a code to."),
    "reset_needs_email": _l("This account has no email address to send a link to."),
    "not_assisted": _l("Only an assisted account gets a printed sign-in sheet."),
    "roster_mobile_twice": _l("This number is on row %(first)s of the file already."),
    "roster_mobile_elsewhere": _l("This number is on the roster of %(community)s already: a "
                                  "number is on one community’s roster."),
})
METHOD_LABELS["roster"] = _l("by the community’s roster (confirmed mobile number)")
ACTION_LABELS["roster_imported"] = _l("roster imported")

NOTIFICATIONS = {
    "mobile_code": _l("A code was texted to your mobile number. If you did not ask for it, "
                      "nothing changes."),
}

# A places sheet's rows, reported by row and column (app/messages.py import_error_text).
IMPORT_ERRORS = {code: MESSAGES[code] for code in (
    "place_code_shape", "place_district_parent", "place_parent_needed", "place_code_taken",
    "place_parent_unknown", "place_parent_level", "place_name_taken", "community_name_taken")}
IMPORT_ERRORS["unknown_level"] = _l("Unknown level; use 区, 街道 or 社区.")
IMPORT_ERRORS.update({code: MESSAGES[code] for code in (
    "mobile_malformed", "roster_mobile_twice", "roster_mobile_elsewhere")})
