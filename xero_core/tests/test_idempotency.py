from xero_core.idempotency import MAX_LENGTH, request_key


def test_same_change_same_key_new_change_new_key():
    body = [{"ContactID": "c1", "EmailAddress": "a@x.io"}]
    key = request_key(["1:k1", "2:k2"], body)
    assert key == request_key(["1:k1", "2:k2"], [{"EmailAddress": "a@x.io", "ContactID": "c1"}])
    assert key != request_key(["1:k1", "2:k2"], [{"ContactID": "c1", "Phones": []}])
    assert key != request_key(["1:k1", "2:k3"], body)
    assert len(key) <= MAX_LENGTH
