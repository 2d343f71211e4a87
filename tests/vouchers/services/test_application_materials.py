

def test_the_database_keeps_one_open_application_when_one_is_returned(program, world):
    from django.db import IntegrityError, transaction

    _, documents = both_required(program)
    application = submit(program, world.enterprise, documents)
    application_returns.application_return(
        actor=world.reviewer, application=application, reason="补充", now=NOW)
    # Even past the service's check, the partial unique index refuses a second open claim.
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            program=program, enterprise=application.enterprise, applicant=world.enterprise,
            amount_fen=1_00, purpose="x", state=Application.State.SUBMITTED, submitted_at=NOW)
    assert Application.objects.count() == 1
