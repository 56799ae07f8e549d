"""/Connections through IdentityApi, tenant checks and scope checks."""

import pytest
from helpers import ORG_A, ORG_B, ORG_C
from xero_python.exceptions import HTTPStatusException, NotFoundException


def test_get_and_delete_connections(sb, acme):
    conns = acme.identity.get_connections()
    assert sorted(c.tenant_name for c in conns) == ["Acme Ltd", "Beta Ltd"]
    assert {c.tenant_type for c in conns} == {"ORGANISATION"}
    event = conns[0].auth_event_id
    assert len(acme.identity.get_connections(auth_event_id=event)) == 2
    assert (
        acme.identity.get_connections(
            auth_event_id="00000000-0000-0000-0000-000000000000"
        )
        == []
    )
    beta = next(c for c in conns if c.tenant_id == ORG_B)
    _, status, _ = acme.identity.delete_connection(
        beta.id, _return_http_data_only=False
    )
    assert status == 204
    assert [c.tenant_id for c in acme.identity.get_connections()] == [ORG_A]
    with pytest.raises(NotFoundException):
        acme.identity.delete_connection(beta.id)
    with pytest.raises(HTTPStatusException) as exc:
        acme.accounting.get_contacts(ORG_B)
    assert exc.value.status == 403


def test_connections_carry_only_the_app_limit_header(sb, acme):
    _, _, headers = acme.identity.get_connections(_return_http_data_only=False)
    assert "X-AppMinLimit-Remaining" in headers
    assert "X-MinLimit-Remaining" not in headers
    assert "X-DayLimit-Remaining" not in headers


def test_tenant_missing_or_not_connected_is_403(sb, acme):
    token = acme.token
    for tenant in (None, ORG_C, "not-a-tenant"):
        resp = sb.api_get("Contacts", token, tenant)
        assert resp.status_code == 403
        body = resp.json()
        assert (
            body["Title"] == "Forbidden"
            and body["Detail"] == "AuthenticationUnsuccessful"
        )
    with pytest.raises(HTTPStatusException) as exc:
        acme.accounting.get_organisations(ORG_C)
    assert exc.value.status == 403


def test_missing_scope_is_403_authorization_unsuccessful(sb):
    token = sb.connect(scope="offline_access accounting.contacts.read")
    assert sb.api_get("Contacts", token, ORG_A).status_code == 200
    for path in ("Invoices", "Organisation", "Payments", "Reports/ExecutiveSummary"):
        resp = sb.api_get(path, token, ORG_A)
        assert resp.status_code == 403, path
        assert resp.json()["Detail"] == "AuthorizationUnsuccessful"
    client = sb.client(token)
    with pytest.raises(HTTPStatusException) as exc:
        client.accounting.create_contacts(ORG_A, {"Contacts": [{"Name": "Read only"}]})
    assert exc.value.status == 403


def test_granular_scopes_are_honoured(sb):
    token = sb.connect(
        scope="accounting.invoices.read accounting.payments "
        "accounting.reports.executivesummary.read"
    )
    assert sb.api_get("Invoices", token, ORG_A).status_code == 200
    assert sb.api_get("CreditNotes", token, ORG_A).status_code == 200
    assert sb.api_get("Payments", token, ORG_A).status_code == 200
    assert sb.api_get("Reports/ExecutiveSummary", token, ORG_A).status_code == 200
    assert sb.api_get("Contacts", token, ORG_A).status_code == 403


def test_routes_are_case_insensitive(sb, acme):
    for path in ("contacts", "CONTACTS", "Contacts/"):
        assert sb.api_get(path, acme.token, ORG_A).status_code == 200
    resp = sb.http.get(
        f"{sb.url}/connections",
        headers={"Authorization": f"Bearer {acme.token['access_token']}"},
    )
    assert resp.status_code == 200 and len(resp.json()) == 2


def test_unknown_id_is_plain_text_404(sb, acme):
    resp = sb.api_get(
        "Contacts/6a1b7c9e-0000-4000-8000-000000000000", acme.token, ORG_A
    )
    assert resp.status_code == 404
    assert resp.text == "The resource you're looking for cannot be found"
    with pytest.raises(NotFoundException):
        acme.accounting.get_invoice(ORG_A, "6a1b7c9e-0000-4000-8000-000000000000")


def test_too_many_ids_overflow_the_url(sb, acme):
    ids = [f"6a1b7c9e-0000-4000-8000-{i:012d}" for i in range(60)]
    with pytest.raises(NotFoundException):
        acme.accounting.get_contacts(ORG_A, i_ds=ids)
    assert acme.accounting.get_contacts(ORG_A, i_ds=ids[:50]).contacts == []
