"""docs/permissions.md is the permission table the code enforces."""

from pathlib import Path

from portfolio.auth.permissions import PERMISSIONS, Action, permission_table_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


def test_document_is_generated_from_the_code():
    assert DOC.read_text(encoding="utf-8") == permission_table_markdown(), (
        "run: flask --app app docs permissions --output docs/permissions.md"
    )


def test_every_action_has_a_row():
    text = DOC.read_text(encoding="utf-8")
    assert set(PERMISSIONS) == set(Action)
    for action in Action:
        assert f"`{action.value}`" in text


def test_cli_prints_the_table(runner):
    result = runner.invoke(args=["docs", "permissions"])
    assert result.exit_code == 0
    assert result.output == permission_table_markdown()
