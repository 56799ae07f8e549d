"""``/connections``: the tenants a token's user has connected to its app."""

from .dates import identity_string
from .wire import Response, json_response, text_response


def connection_out(conn):
    return {
        "id": conn["id"],
        "authEventId": conn["authEventId"],
        "tenantId": conn["tenantId"],
        "tenantType": conn["tenantType"],
        "tenantName": conn["tenantName"],
        "createdDateUtc": identity_string(conn["createdDateUtc"]),
        "updatedDateUtc": identity_string(conn["updatedDateUtc"]),
    }


def list_connections(store, req, token):
    conns = store.user_connections(token["user_id"], token["client_id"])
    event = (req.arg("authEventId") or "").strip().lower()
    if event:
        conns = [c for c in conns if c["authEventId"] == event]
    conns.sort(key=lambda c: c["createdDateUtc"])
    return json_response([connection_out(c) for c in conns])


def delete_connection(store, req, token, conn_id):
    conn = store.connections.get((conn_id or "").strip().lower())
    if (
        conn is None
        or conn["user_id"] != token["user_id"]
        or conn["client_id"] != token["client_id"]
    ):
        return text_response("The resource you're looking for cannot be found", 404)
    del store.connections[conn["id"]]
    return Response(204)
