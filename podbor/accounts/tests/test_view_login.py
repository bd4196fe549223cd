from django.urls import reverse

from podbor.accounts.services import user_create

PASSWORD = "a-long-test-password"


def test_login_form_has_the_fields_the_browser_test_fills(client, db):
    html = client.get(reverse("accounts-login")).content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'type="submit"' in html


def test_manager_signs_in_lands_on_the_board_and_signs_out_by_post(client, team_a, pipeline):
    user_create(username="petrova", password=PASSWORD, team=team_a, last_name="Петрова")
    response = client.post(reverse("accounts-login"), {"username": "petrova", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("crm-board")
    board = client.get(reverse("crm-board"))
    assert board.status_code == 200
    assert "Петрова" in board.content.decode()

    assert client.get(reverse("accounts-logout")).status_code == 405
    assert client.post(reverse("accounts-logout")).status_code == 302
    assert client.get(reverse("crm-board")).status_code == 302


def test_wrong_password_shows_an_error_and_keeps_the_username(client, manager_a):
    response = client.post(reverse("accounts-login"), {"username": "manager_a", "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="alert alert--error"' in html
    assert 'value="manager_a"' in html
