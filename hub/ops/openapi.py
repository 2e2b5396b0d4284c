"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json."""
from __future__ import annotations

from typing import Any

STRING_LIST = {"type": "array", "items": {"type": "string"}}
PROBLEM = {"$ref": "#/components/responses/Problem"}
LIMIT = {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}}


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): PROBLEM for code in codes}


CONTACT = {
    "type": "object",
    "required": ["id", "phones", "emails", "identities", "leads", "version", "created_at", "updated_at"],
    "properties": {
        "id": {"type": "string"}, "name": {"type": ["string", "null"]},
        "given_name": {"type": ["string", "null"]}, "family_name": {"type": ["string", "null"]},
        "phones": STRING_LIST, "emails": STRING_LIST,
        "province": {"type": ["string", "null"]}, "province_code": {"type": ["string", "null"]},
        "identities": {"type": "array", "items": {"type": "object", "properties": {
            "channel": {"type": "string"}, "scope": {"type": "string"}, "id": {"type": "string"}}}},
        "leads": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "channel": {"type": "string"}, "source_ref": {"type": "string"},
            "captured_at": {"type": "string", "format": "date-time"},
            "attribution": {"type": "object", "additionalProperties": {"type": "string"}}}}},
        "consent": {"type": ["object", "null"], "description": "latest answer per purpose over the contact's leads; "
                    "null when no capture recorded consent", "properties": {
                        "marketing": {"type": ["boolean", "null"]}, "contact": {"type": ["boolean", "null"]},
                        "source": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}},
        "merged_into": {"type": ["string", "null"], "description": "the survivor's id when this contact was merged away"},
        "version": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}
EVENT = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "description": "stable event id"},
        "sequence": {"type": "integer", "description": "position in the feed, increasing in commit order"},
        "type": {"enum": ["contact.created", "contact.updated", "contact.merged", "contact.unmerged",
                          "contact.erased"]},
        "contact_id": {"type": "string"}, "contact_version": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "data": {"type": "object", "description": "contact (document); merged_ids / restored_ids / restored for merges; "
                                                  "erased_ids / erasure_id for contact.erased (contact is {id, erased, version})"},
    },
}
ERASURE = {
    "type": "object",
    "properties": {
        "status": {"enum": ["erased", "already_erased"]}, "erasure_id": {"type": "integer"},
        "contact_ids": STRING_LIST, "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "erased_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
SUGGESTION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "contact_id": {"type": "string"}, "candidate_id": {"type": "string"},
        "score": {"type": "number"}, "evidence": {"type": "object"}, "status": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "decided_at": {"type": ["string", "null"]}, "decided_by": {"type": ["string", "null"]},
    },
}


SUBSCRIPTION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "url": {"type": "string"}, "event_types": STRING_LIST,
        "description": {"type": "string"}, "enabled": {"type": "boolean"},
        "disabled_reason": {"type": ["string", "null"]}, "disabled_at": {"type": ["string", "null"]},
        "auto_disabled": {"type": "boolean", "description": "disabled by the hub (410 Gone, or failing too long)"},
        "rate_limit": {"type": ["number", "null"], "description": "deliveries per second"},
        "allow_private": {"type": "boolean"}, "failing_since": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "secret": {"type": "string", "description": "whsec_... (only when creating or showing one)"},
    },
}
DELIVERY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "subscription_id": {"type": "integer"},
        "webhook_id": {"type": "string", "description": "the webhook-id header: the event id, stable across retries"},
        "sequence": {"type": "integer"}, "event_type": {"type": "string"},
        "status": {"enum": ["pending", "sending", "delivered", "failed", "held"]},
        "attempts": {"type": "integer"}, "next_attempt_at": {"type": ["string", "null"]},
        "last_status_code": {"type": ["integer", "null"]}, "last_error": {"type": ["string", "null"]},
        "delivered_at": {"type": ["string", "null"]}, "created_at": {"type": "string"},
        "log": {"type": "array", "items": {"type": "object"}, "description": "every attempt (one delivery only)"},
    },
}


def _webhook_paths() -> dict[str, Any]:
    sub = {"$ref": "#/components/schemas/Subscription"}
    delivery = {"$ref": "#/components/schemas/Delivery"}
    sid = {"name": "subscription_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    did = {"name": "delivery_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    create = {"type": "object", "required": ["url"], "properties": {
        "url": {"type": "string"}, "event_types": {**STRING_LIST, "default": ["*"]},
        "secret": {"type": "string"}, "description": {"type": "string"},
        "rate_limit": {"type": ["number", "null"]}, "allow_private": {"type": "boolean"}}}
    return {
        "/webhooks": {
            "get": {"summary": "Webhook subscriptions", "operationId": "listWebhooks",
                    "responses": {"200": _ok({"type": "object", "properties": {
                        "data": {"type": "array", "items": sub}}}), **_errors(401, 403)}},
            "post": {"summary": "Subscribe an endpoint (signed per Standard Webhooks)", "operationId": "createWebhook",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": create}}},
                     "responses": {"201": _ok(sub, "Created; the secret is in the answer"),
                                   **_errors(400, 401, 403, 422)}}},
        "/webhooks/{subscription_id}": {
            "get": {"summary": "A subscription, with its secret", "operationId": "getWebhook", "parameters": [sid],
                    "responses": {"200": _ok(sub), **_errors(401, 403, 404)}},
            "delete": {"summary": "Remove it with its delivery log", "operationId": "deleteWebhook",
                       "parameters": [sid], "responses": {"204": {"description": "Removed"}, **_errors(401, 403, 404)}}},
        "/webhooks/{subscription_id}/enable": {"post": {
            "summary": "Enable; held deliveries go out", "operationId": "enableWebhook", "parameters": [sid],
            "responses": {"200": _ok(sub), **_errors(401, 403, 404)}}},
        "/webhooks/{subscription_id}/disable": {"post": {
            "summary": "Disable; new events are held", "operationId": "disableWebhook", "parameters": [sid],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
            "responses": {"200": _ok(sub), **_errors(400, 401, 403, 404, 422)}}},
        "/webhooks/{subscription_id}/deliveries": {"get": {
            "summary": "The delivery log, newest first", "operationId": "listWebhookDeliveries",
            "parameters": [sid, LIMIT, {"name": "before", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                           {"name": "status", "in": "query", "schema": {
                               "enum": ["pending", "sending", "delivered", "failed", "held"]}}],
            "responses": {"200": _ok({"type": "object", "properties": {
                "data": {"type": "array", "items": delivery}}}), **_errors(400, 401, 403, 404)}}},
        "/webhooks/{subscription_id}/deliveries/{delivery_id}": {"get": {
            "summary": "One delivery with every attempt (code, latency, body excerpt, error)",
            "operationId": "getWebhookDelivery", "parameters": [sid, did],
            "responses": {"200": _ok(delivery), **_errors(401, 403, 404)}}},
        "/webhooks/{subscription_id}/deliveries/{delivery_id}/replay": {"post": {
            "summary": "Send it again now, same webhook-id", "operationId": "replayWebhookDelivery",
            "parameters": [sid, did], "responses": {"200": _ok(delivery), **_errors(401, 403, 404, 409)}}},
        "/webhooks/{subscription_id}/replay": {"post": {
            "summary": "Send again every matching event since a time, same webhook-ids",
            "operationId": "replayWebhook", "parameters": [sid],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["since"], "properties": {"since": {"type": "string", "format": "date-time"}}}}}},
            "responses": {"200": _ok({"type": "object", "properties": {"queued": {"type": "integer"}}}),
                          **_errors(400, 401, 403, 404, 409, 422)}}},
    }


def _paths() -> dict[str, Any]:
    ref = {name: {"$ref": f"#/components/schemas/{name}"} for name in ("Contact", "Event", "Suggestion")}
    return {
        "/export/contacts.csv": _export_path("contacts", [{"name": "include_merged", "in": "query", "schema": {
            "enum": ["true", "false", "1", "0"], "default": "false"}}]),
        "/export/leads.csv": _export_path("leads", []),
        "/contacts": {"get": {
            "summary": "Active contacts, oldest change first", "operationId": "listContacts",
            "parameters": [LIMIT, {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                           {"name": "updated_since", "in": "query", "schema": {"type": "string", "format": "date-time"}}],
            "responses": {"200": _ok({"type": "object", "properties": {
                "data": {"type": "array", "items": ref["Contact"]}, "next_cursor": {"type": ["string", "null"]}}}),
                **_errors(400, 401, 403)}}},
        "/contacts/{contact_id}": {"get": {
            "summary": "A contact; a merged-away id answers with merged_into set and a canonical Link",
            "operationId": "getContact",
            "parameters": [{"name": "contact_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": _ok(ref["Contact"]), **_errors(401, 403, 404, 410)}},
            "delete": {
                "summary": "Erase the person (Decree 13/2023): the contact and every contact merged with it, "
                           "their leads, raw events and suggestions; emits contact.erased. Needs contacts:erase",
                "operationId": "eraseContact",
                "parameters": [{"name": "contact_id", "in": "path", "required": True, "schema": {"type": "string"}},
                               {"name": "reason", "in": "query", "schema": {"type": "string", "maxLength": 255}}],
                "responses": {"200": _ok(ERASURE), **_errors(401, 403, 404)}}},
        "/events": {"get": {
            "summary": "The change feed after a sequence number", "operationId": "listEvents",
            "parameters": [{"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1, "default": 0}}, LIMIT],
            "responses": {"200": _ok({"type": "object", "properties": {
                "data": {"type": "array", "items": ref["Event"]}, "next_after": {"type": "integer"}}}),
                **_errors(400, 401, 403)}}},
        "/suggestions": {"get": {
            "summary": "Merge suggestions (open ones best first)", "operationId": "listSuggestions",
            "parameters": [{"name": "status", "in": "query", "schema": {
                "enum": ["open", "accepted", "rejected", "merged", "duplicate", "skipped"], "default": "open"}},
                {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}}, LIMIT],
            "responses": {"200": _ok({"type": "object", "properties": {
                "data": {"type": "array", "items": ref["Suggestion"]}}}), **_errors(400, 401, 403)}}},
        "/suggestions/{suggestion_id}/accept": {"post": {
            "summary": "Merge the pair (undoable)", "operationId": "acceptSuggestion",
            "parameters": [{"name": "suggestion_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {"type": "object", "properties": {
                "choices": {"type": "object", "additionalProperties": {"type": "string"}}}}}}},
            "responses": {"200": _ok({"type": "object", "properties": {
                "status": {"type": "string"}, "merge_id": {"type": "integer"}}}), **_errors(401, 403, 404, 409, 422)}}},
        "/suggestions/{suggestion_id}/reject": {"post": {
            "summary": "The pair are different people: never suggested again", "operationId": "rejectSuggestion",
            "parameters": [{"name": "suggestion_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {"200": _ok({"type": "object", "properties": {"status": {"type": "string"}}}),
                          **_errors(401, 403, 404, 409)}}},
    }


def _export_path(what: str, extra: list[dict[str, Any]]) -> dict[str, Any]:
    when = "ISO 8601 date (midnight in Vietnam, UTC+7), date-time with a time zone, or a duration back from now (30m, 6h, 7d)"
    return {"get": {
        "summary": f"All {what} as CSV (UTF-8), streamed; filters apply to captures (leads)",
        "operationId": f"export{what.title()}Csv",
        "parameters": [
            {"name": "channel", "in": "query", "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"}},
            {"name": "since", "in": "query", "description": f"captured at or after: {when}", "schema": {"type": "string"}},
            {"name": "until", "in": "query", "description": f"captured before: {when}", "schema": {"type": "string"}},
            {"name": "excel", "in": "query", "description": "UTF-8 BOM and formula-like cells defused, for Excel",
             "schema": {"enum": ["true", "false", "1", "0"], "default": "false"}},
            *extra],
        "responses": {"200": {"description": "CSV with a header row", "content": {"text/csv": {"schema": {"type": "string"}}}},
                      **_errors(400, 401, 403)}}}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "lead-hub API", "version": "1.0.0",
                 "description": "Clean, deduplicated contacts and their change feed for downstream CRMs."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {**_paths(), **_webhook_paths()},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Contact": CONTACT, "Event": EVENT, "Suggestion": SUGGESTION,
                        "Subscription": SUBSCRIPTION, "Delivery": DELIVERY},
            "responses": {"Problem": {"description": "An error (RFC 9457)", "content": {"application/problem+json": {
                "schema": {"type": "object", "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                                                            "status": {"type": "integer"}, "detail": {"type": "string"}}}}}}},
        },
    }
