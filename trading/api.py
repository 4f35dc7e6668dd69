"""The trading-platform channel: a JSON API (OpenAPI schema at /api/trading/openapi.json,
docs at /api/trading/docs) that logs in by the portal's own services and answers with an
expiring bearer token. Views are thin: a schema parses, a service acts, a dict answers.

No cookies are read or set, so cross-site request forgery has nothing to ride on; every
authenticated call carries `Authorization: Bearer <token>` itself."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import Error as DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.log import log_response
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from accounts.forms import PasswordStepForm
from accounts.outage import DATABASE_UNAVAILABLE
from accounts.validators import CONTROL_CHARACTERS_MESSAGE
from devices.models import PushRequest
from trading import api_orders, api_withdrawals, schemas
from trading.api_common import ERRORS, SessionRequest, SessionToken, device_out, trading_client
from trading.docs import ApiDocs
from trading.errors import (
    NOT_FOUND,
    PushLimited,
    Throttled,
    TradingError,
    unavailable_response,
)
from trading.models import TradingSession
from trading.selectors import session_allows
from trading.services.extend import (
    trading_reauthentication_begin,
    trading_reauthentication_push_state,
    trading_session_extend,
)
from trading.services.login import (
    trading_challenge_issue,
    trading_login_begin,
    trading_push_state,
    trading_second_factor_verify,
)
from trading.services.second_factor import FactorAnswer
from trading.services.sessions import OpenedSession, trading_session_end


class ObjectParser(Parser):
    """A body is one JSON object. Any other JSON value (a list, a string, null) is refused
    as unparsable: read as the payload, it would pass a schema whose fields all have
    defaults and reach the service."""

    def parse_body(self, request: HttpRequest) -> dict:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise TypeError("The body must be a JSON object.")
        return data


api = NinjaAPI(
    parser=ObjectParser(),
    title="SLS trading platform",
    version="1",
    description="Log in as the trading desktop does: password, then the security device.",
    urls_namespace="trading_api",
    docs=ApiDocs(),
)
api.add_router("", api_orders.router)
api.add_router("/withdrawals", api_withdrawals.router)


def _error(request: HttpRequest, status: int, code: str, detail) -> HttpResponse:
    return api.create_response(request, {"error": code, "detail": detail}, status=status)


@api.exception_handler(TradingError)
def _trading_error(request: HttpRequest, exc: TradingError) -> HttpResponse:
    response = _error(request, exc.status, exc.code, exc.message)
    if isinstance(exc, Throttled | PushLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, "unauthenticated", "Send the header 'Authorization: Bearer <token>'."
    )


@api.exception_handler(ValidationError)
def _invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A field of the wrong type, length or range is a 422 that lists them all; control
    characters anywhere are a 400, the answer the portal gives them before any view."""
    if any(error.get("type") == schemas.CONTROL_CHARACTERS for error in exc.errors):
        return _error(request, 400, "bad_input", CONTROL_CHARACTERS_MESSAGE)
    return _error(request, 422, "invalid_input", exc.errors)


@api.exception_handler(DjangoValidationError)
def _bad_input(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the input (an amount, a price): its sentence, with its code."""
    return _error(request, 400, getattr(exc, "code", None) or "bad_input", " ".join(exc.messages))


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(
        request,
        413,
        "too_large",
        f"The request body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "bad_request", str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", NOT_FOUND)


def _database_unavailable(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    """The database could not answer (accounts.outage): the call's transaction is gone,
    so 503 with Retry-After, logged with its cause as Django logs any 5xx."""
    response = unavailable_response()
    log_response(
        "%s: %s",
        response.reason_phrase,
        request.path,
        response=response,
        request=request,
        exception=exc,
    )
    return response


for _exc_class in DATABASE_UNAVAILABLE:
    api.exception_handler(_exc_class)(_database_unavailable)


@api.post("/login", response={200: schemas.LoginOut, **ERRORS}, tags=["login"])
def login(request: HttpRequest, payload: schemas.LoginIn):
    """Step one: user name and password. An opted-out user gets a token at once (L6)."""
    form = PasswordStepForm(payload.dict())
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        raise TradingError(400, "bad_input", str(first))
    begun = trading_login_begin(
        username=form.cleaned_data["username"],
        password=form.cleaned_data["password"],
        client=trading_client(request),
    )
    if isinstance(begun, OpenedSession):
        return _authenticated(begun.session, begun.token)
    return {
        "status": "second_factor_required",
        "login_id": begun.login_id,
        "login_expires_at": begun.pending.expires_at,
        "devices": [device_out(device) for device in begun.devices],
    }


@api.post("/login/challenge", response={200: schemas.AskOut, **ERRORS}, tags=["login"])
def login_challenge(request: HttpRequest, payload: schemas.ChallengeIn):
    """Step two begins: a push to the IB Key app, or a challenge for the chosen device."""
    asked = trading_challenge_issue(
        login_id=payload.login_id,
        device_id=payload.device_id,
        fallback=payload.fallback,
        client=trading_client(request),
    )
    return _ask_out(asked)


@api.post("/login/push-state", response={200: schemas.PushStateOut, **ERRORS}, tags=["login"])
def login_push_state(request: HttpRequest, payload: schemas.PushStateIn):
    """Poll until the phone has answered: pending, approved, denied or expired."""
    return {"status": trading_push_state(login_id=payload.login_id, push_id=payload.push_id)}


@api.post("/login/verify", response={200: schemas.LoginOut, **ERRORS}, tags=["login"])
def login_verify(request: HttpRequest, payload: schemas.VerifyIn):
    """Step two ends: the approved push's id, or the device's response to the challenge (a
    security key's: the assertion it made from the challenge's `webauthn` options, as JSON
    text)."""
    opened = trading_second_factor_verify(
        login_id=payload.login_id,
        answer=FactorAnswer(
            device_id=payload.device_id,
            challenge_id=payload.challenge_id,
            response=payload.response,
            push_id=payload.push_id,
        ),
        client=trading_client(request),
    )
    return _authenticated(opened.session, opened.token)


@api.get("/me", auth=SessionToken(), response={200: schemas.SessionOut, **ERRORS}, tags=["session"])
def me(request: SessionRequest):
    """The session: who, by which device and approval, until when, and what it allows."""
    return _session_out(request.auth)


@api.post(
    "/session/reauthenticate",
    auth=SessionToken(),
    response={200: schemas.AskOut, **ERRORS},
    tags=["session"],
)
def session_reauthenticate(request: SessionRequest, payload: schemas.ReauthenticateIn):
    """K5: ask the session's device again, to extend the session."""
    asked = trading_reauthentication_begin(
        session=request.auth, fallback=payload.fallback, client=trading_client(request)
    )
    return _ask_out(asked)


@api.post(
    "/session/push-state",
    auth=SessionToken(),
    response={200: schemas.PushStateOut, **ERRORS},
    tags=["session"],
)
def session_push_state(request: SessionRequest, payload: schemas.ReauthPushStateIn):
    return {
        "status": trading_reauthentication_push_state(session=request.auth, push_id=payload.push_id)
    }


@api.post(
    "/session/extend",
    auth=SessionToken(),
    response={200: schemas.SessionOut, **ERRORS},
    tags=["session"],
)
def session_extend(request: SessionRequest, payload: schemas.ExtendIn):
    """K5: the fresh answer (or the password, L6) runs the session's full length again."""
    session = trading_session_extend(
        session=request.auth,
        answer=FactorAnswer(
            challenge_id=payload.challenge_id, response=payload.response, push_id=payload.push_id
        ),
        password=payload.password,
        client=trading_client(request),
    )
    return _session_out(session)


@api.post(
    "/logout", auth=SessionToken(), response={200: schemas.LogoutOut, **ERRORS}, tags=["session"]
)
def logout(request: SessionRequest):
    """End the session on the server: the token stops working at once."""
    trading_session_end(session=request.auth, reason="logout", client=trading_client(request))
    return {"status": "ended"}


def _authenticated(session: TradingSession, token: str) -> dict:
    return {"status": "authenticated", "token": token, "session": _session_out(session)}


def _session_out(session: TradingSession) -> dict:
    user = session.user
    return {
        "user": user.username,
        "account": user.account.number if user.account is not None else None,
        "device": device_out(session.device) if session.device else None,
        "approval_method": session.approval_method,
        "authenticated_at": session.authenticated_at,
        "expires_at": session.expires_at,
        "allows": session_allows(session),
    }


def _ask_out(asked) -> dict:
    if isinstance(asked, PushRequest):
        return {
            "type": "push",
            "device_id": asked.device_id,
            "push_id": asked.pk,
            "number": asked.number,
            "expires_at": asked.expires_at,
        }
    kind = asked.device.authenticator.kind_behaviour
    return {
        "type": "challenge",
        "device_id": asked.device_id,
        "challenge_id": asked.pk,
        "challenge": asked.value,
        "prompt": kind.prompt(asked.value),
        "response_label": kind.response_label,
        "webauthn": asked.client_options,
        "expires_at": asked.expires_at,
    }
