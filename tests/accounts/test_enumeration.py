"""Sign-up answers alike, statement for statement, whether or not the address has an account."""

from tests.enumeration import assert_same_answer


def test_signing_up_with_a_known_address_runs_the_same_statements_as_a_new_one(
    client, db, make_user, mailbox
):
    make_user()

    def post(email):
        data = {"name": "X", "email": email, "password": "pw long enough 1", "confirm": "pw long enough 1"}
        return lambda: client.post("/accounts/signup", data=data)

    assert_same_answer(post("organizer@example.org"), post("nobody@example.org"))


def test_sign_up_emails_only_after_the_response_whether_or_not_the_address_is_known(
    client, db, make_user, mailbox
):
    make_user()
    data = {"name": "X", "password": "pw long enough 1", "confirm": "pw long enough 1"}
    known = client.post("/accounts/signup", data={**data, "email": "organizer@example.org"})
    new = client.post("/accounts/signup", data={**data, "email": "nobody@example.org"})
    assert mailbox.messages() == []  # no email work on the request's path
    known.close()
    new.close()
    assert len(mailbox.to("organizer@example.org")) == len(mailbox.to("nobody@example.org")) == 1


def test_the_account_exists_email_puts_no_address_in_a_link(client, make_user, mailbox):
    make_user()
    data = {"name": "X", "password": "pw long enough 1", "confirm": "pw long enough 1"}
    client.post("/accounts/signup", data={**data, "email": "organizer@example.org"}).close()
    text = mailbox.to("organizer@example.org")[-1].get_body(("plain",)).get_content()
    links = [word for word in text.split() if word.startswith("http")]
    assert links and not [link for link in links if "organizer" in link or "%40" in link]
