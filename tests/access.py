"""Who may reach each route, written out by hand from docs/permissions.md.

The sample objects are DDNS's: track 1, project 1.1 (track 1), risk R1 (no track), benefit
GH1. The test users hold: secretariat of DDNS; track lead of DDNS track 1; benefit owner of
GH1; viewer of DDNS; an outsider with no role; and an administrator.
"""

ALL = frozenset({"admin", "secretariat", "track_lead", "benefit_owner", "viewer", "outsider"})
MEMBERS = ALL - {"outsider"}
SECRETARIAT = frozenset({"admin", "secretariat"})
TRACK_EDITORS = SECRETARIAT | {"track_lead"}
ADMIN = frozenset({"admin"})

# endpoint -> roles allowed to use it (GET shows the form; POST saves it)
ALLOWED = {
    "programmes.overview": ALL,
    "auth.account": ALL,
    "auth.logout": ALL,
    "auth.tokens": ALL,
    "auth.new_token": ALL,
    "auth.revoke_token": ALL,  # one's own only: another's token is 404 (tests/auth/test_tokens)
    "mail.preferences": ALL,
    "mail.invite": ADMIN,
    "calendars.feeds": ALL,
    "calendars.new_feed": ALL,  # only for programmes one may see (tests/calendars)
    "calendars.revoke_feed": ALL,  # one's own only: another's feed is 404 (tests/calendars)
    "api.programmes": ALL,
    "programmes.show": MEMBERS,
    "programmes.portfolio_budgets": MEMBERS,
    "programmes.roadmap": ALL,  # without programmes: an empty chart (the page does not link it)
    "programmes.track": MEMBERS,
    "programmes.history": MEMBERS,
    "programmes.project": MEMBERS,
    "risks.index": MEMBERS,
    "risks.show": MEMBERS,
    "benefits.show": MEMBERS,
    "benefits.index": MEMBERS,
    "benefits.benefit_map": MEMBERS,
    "benefits.map_chart": MEMBERS,
    "indicators.trend": MEMBERS,
    "organisation.stakeholders": MEMBERS,
    "api.programme": MEMBERS,
    "api.budget": MEMBERS,
    "api.risks": MEMBERS,
    "api.status": MEMBERS,
    "api.benefits": MEMBERS,
    "api.stakeholders": MEMBERS,
    "budgets.index": MEMBERS,
    "budgets.export": MEMBERS,
    "documents.index": MEMBERS,
    "documents.download": MEMBERS,
    "documents.issued_file": MEMBERS,
    "documents.issue": SECRETARIAT,
    "documents.new_lesson": SECRETARIAT,
    "documents.edit_lesson": SECRETARIAT,
    "documents.delete_lesson": SECRETARIAT,
    "budgets.chart": MEMBERS,
    "budgets.edit": SECRETARIAT,
    "budgets.rebaseline": SECRETARIAT,
    "budgets.upload": SECRETARIAT,
    "programmes.edit": SECRETARIAT,
    "programmes.edit_track": SECRETARIAT,
    # Programme set-up (programmes/setup_views.py): a programme's secretariat creates
    # programmes too (programme.create reaches "any" programme); the rest is programme.edit,
    # and the first budget budget.rebaseline.
    "setup.new_programme": SECRETARIAT,
    "setup.page": MEMBERS,
    "setup.new_track": SECRETARIAT,
    "setup.move_track": SECRETARIAT,
    "setup.retire_track": SECRETARIAT,
    "setup.reinstate_track": SECRETARIAT,
    "setup.delete_track": SECRETARIAT,
    "setup.new_timeline_item": SECRETARIAT,
    "setup.edit_timeline_item": SECRETARIAT,
    "setup.move_timeline_item": SECRETARIAT,
    "setup.delete_timeline_item": SECRETARIAT,
    "setup.first_budget": SECRETARIAT,
    "programmes.new_project": TRACK_EDITORS,
    "programmes.edit_project": TRACK_EDITORS,
    "risks.new": TRACK_EDITORS,
    "risks.edit": SECRETARIAT,  # R1 is programme-wide, outside the track lead's track
    "risks.reassess": SECRETARIAT,
    "risks.close": SECRETARIAT,
    "risks.add_action": SECRETARIAT,
    "risks.update_action": SECRETARIAT,
    "status.page": MEMBERS,
    "status.chart": MEMBERS,
    "status.milestones": MEMBERS,
    "status.decisions": MEMBERS,
    "status.override": SECRETARIAT,
    "status.lift": SECRETARIAT,
    "status.assess_benefits": SECRETARIAT,
    "status.commentary": TRACK_EDITORS,  # track 1 is the track lead's
    "status.new_milestone": TRACK_EDITORS,
    "status.edit_milestone": SECRETARIAT,  # the sample milestone is programme-wide
    "status.new_decision": SECRETARIAT,
    "status.edit_decision": SECRETARIAT,
    "reports.index": MEMBERS,
    "reports.show": MEMBERS,
    "reports.chart": MEMBERS,
    "reports.pdf": MEMBERS,
    "reports.compare": MEMBERS,
    "reports.create": SECRETARIAT,
    "reports.edit": SECRETARIAT,
    "reports.approve": SECRETARIAT,
    "reports.delete": SECRETARIAT,
    "api.update_risk": SECRETARIAT,
    "benefits.edit": SECRETARIAT,
    "indicators.new": SECRETARIAT,  # on GH1: Action.EDIT_BENEFIT
    "indicators.edit": SECRETARIAT,
    "indicators.delete": SECRETARIAT,
    "indicators.values": SECRETARIAT | {"benefit_owner"},  # GH1's owner enters its values
    "organisation.new_stakeholder": SECRETARIAT,
    "organisation.edit_stakeholder": SECRETARIAT,
    "workshops.index": MEMBERS,
    "workshops.show": MEMBERS,
    "workshops.item": MEMBERS,
    "workshops.trend": MEMBERS,
    "workshops.actions": MEMBERS,
    "workshops.export": MEMBERS,
    "workshops.new": SECRETARIAT,
    "workshops.edit": SECRETARIAT,
    "workshops.hold": SECRETARIAT,
    "workshops.close": SECRETARIAT,
    # The sample workshop has GH1 (the benefit owner's) on its agenda; its action is GH1's.
    "workshops.record_item": SECRETARIAT | {"benefit_owner"},
    "workshops.add_action": SECRETARIAT | {"benefit_owner"},
    "workshops.update_action": SECRETARIAT | {"benefit_owner"},
    # Sources are global: the DDNS secretariat may not manage them (docs/metrics.md).
    "sources.index": ADMIN,
    "sources.new": ADMIN,
    "sources.show": ADMIN,
    "sources.edit": ADMIN,
    "sources.test_connection": ADMIN,
    "sources.resume": ADMIN,
    "sources.new_metric": ADMIN,
    "sources.edit_metric": ADMIN,
    "admin.users": ADMIN,
    "admin.new_user": ADMIN,
    "admin.user": ADMIN,
    "admin.add_membership": ADMIN,
    "admin.remove_membership": ADMIN,
    "admin.revoke_token": ADMIN,
    "admin.reset_password": ADMIN,
    "admin.programme_file": ADMIN,
    "admin.confirm_programme_file": ADMIN,
    "admin.audit": ADMIN,
    "admin.audit_csv": ADMIN,
}
