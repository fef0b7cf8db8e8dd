from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from selfmob.clinic import errors
from selfmob.clinic.errors import InvalidInput
from selfmob.clinic.models import User
from selfmob.clinic.services.accounts import (
    client_create,
    coach_signup,
    invite_accept,
    invite_create,
)
from tests.support.personas import PASSWORD, Personas


def test_argon2_is_the_password_hasher() -> None:
    import selfmob.settings

    assert selfmob.settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_emails_are_unique_regardless_of_case(people: Personas) -> None:
    with pytest.raises(InvalidInput) as info:
        coach_signup(email="COACH@example.test", password=PASSWORD, name="Again")
    assert info.value.fields == {"email": errors.EMAIL_TAKEN}


def test_weak_passwords_are_refused(db: None) -> None:
    with pytest.raises(InvalidInput) as info:
        coach_signup(email="new@example.test", password="123", name="New")
    assert "password" in info.value.fields


def test_only_coaches_create_clients(people: Personas) -> None:
    with pytest.raises(InvalidInput) as info:
        client_create(coach=people.client_user, name="X", email="x@example.test")
    assert info.value.fields == {"__all__": errors.NOT_A_COACH}


def test_a_coach_cannot_add_the_same_email_twice(people: Personas) -> None:
    with pytest.raises(InvalidInput) as info:
        client_create(coach=people.coach, name="Ana 2", email="ANA@example.test")
    assert info.value.fields == {"email": errors.CLIENT_EXISTS}


def test_an_invite_sets_the_password_once(people: Personas) -> None:
    client = client_create(coach=people.coach, name="Cai", email="cai@example.test")
    invite, token = invite_create(client=client)
    assert token not in invite.token_hash
    user = invite_accept(token=token, password=PASSWORD)
    assert user.role == User.Role.CLIENT
    assert user.check_password(PASSWORD)
    client.refresh_from_db()
    assert client.user == user
    with pytest.raises(InvalidInput) as info:
        invite_accept(token=token, password=PASSWORD)
    assert info.value.fields == {"token": errors.INVITE_INVALID}


def test_an_expired_invite_is_refused(people: Personas) -> None:
    client = client_create(coach=people.coach, name="Cai", email="cai@example.test")
    _, token = invite_create(client=client, now=timezone.now() - timedelta(days=8))
    with pytest.raises(InvalidInput):
        invite_accept(token=token, password=PASSWORD)


def test_a_new_invite_retires_the_old_one(people: Personas) -> None:
    client = client_create(coach=people.coach, name="Cai", email="cai@example.test")
    _, old = invite_create(client=client)
    _, new = invite_create(client=client)
    with pytest.raises(InvalidInput):
        invite_accept(token=old, password=PASSWORD)
    assert invite_accept(token=new, password=PASSWORD).email == "cai@example.test"


def test_no_invite_for_a_client_who_has_an_account(people: Personas) -> None:
    with pytest.raises(InvalidInput) as info:
        invite_create(client=people.client)
    assert info.value.fields == {"__all__": errors.HAS_ACCOUNT}
    assert people.client_user.check_password(PASSWORD)


def test_a_wrong_token_changes_nothing(people: Personas) -> None:
    before = User.objects.count()
    with pytest.raises(InvalidInput):
        invite_accept(token="nope", password=PASSWORD)
    assert User.objects.count() == before
