/**
 * Errors — the HTTP API's error answers: every refusal is JSON `{ "error": { "kind", "message" } }`
 * with the status of its kind (the app's {@link Kind}s, plus the server's own):
 *
 * | status | kinds                                                              |
 * |-------:|--------------------------------------------------------------------|
 * | 400    | `Usage`, `BadInput` (also: malformed JSON, invalid params / query / body) |
 * | 401    | `Unauthorized`: no bearer token, or an unknown one                 |
 * | 403    | `Forbidden`: a memory of a user the token may not act for          |
 * | 404    | `NotFound`: an unknown node, fact, memory, branch or route         |
 * | 409    | `Locked`: another process holds the memory's database              |
 * | 413    | `TooLarge`: a request body over the limit                          |
 * | 429    | `RateLimited`: the token's request rate is spent (`retry-after` says when) |
 * | 502    | `ModelMissing`, `Unreachable`, `BadApiKey`, `ModelFailed`: a model or embedder failed |
 * | 500    | anything else (`Store`, `CorruptJournal`, `DataLost`, `Unexpected`)  |
 *
 * Each status is one `Schema.TaggedError` class (the tag names the status, so the OpenAPI
 * document lists each once); the body also carries the tag as `_tag` (all but 408 / 413, which
 * Node or the body limit answer).
 *
 * @since 0.3.0
 */
import { Schema } from "effect"
import { HttpServerResponse } from "effect/http"
import type { AppFailure, Kind } from "../app/Failure.ts"

/** The body of every error answer. */
export const ErrorBody = Schema.Struct({
  kind: Schema.String,
  message: Schema.String
})
export type ErrorBody = typeof ErrorBody.Type

const fields = { error: ErrorBody }

/** 400: a request the API cannot take (bad JSON, invalid params, a refused value). */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", fields, { httpApiStatus: 400 }) {}
/** 401: no bearer token, or an unknown one. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", fields, { httpApiStatus: 401 }) {}
/** 403: a memory of a user the token may not act for. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", fields, { httpApiStatus: 403 }) {}
/** 404: an unknown node, fact, memory or branch. */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", fields, { httpApiStatus: 404 }) {}
/** 409: the memory's database is held by another process. */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", fields, { httpApiStatus: 409 }) {}
/** 429: the token's rate is spent. */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()("TooManyRequests", fields, { httpApiStatus: 429 }) {}
/** 502: a model or embedder failed. */
export class BadGateway extends Schema.TaggedError<BadGateway>()("BadGateway", fields, { httpApiStatus: 502 }) {}
/** 500: the store or the server failed. */
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", fields, { httpApiStatus: 500 }) {}

/** Any error answer of an endpoint. */
export type ApiError = BadRequest | Forbidden | NotFound | Conflict | BadGateway | InternalError

/** The errors every memory endpoint may answer with (the auth middleware adds 401 and 429). */
export const endpointErrors = [BadRequest, Forbidden, NotFound, Conflict, BadGateway, InternalError] as const

/**
 * The status of an app failure's kind (see the module table).
 * @complexity O(1)
 */
export const statusOf = (kind: Kind): number => {
  switch (kind) {
    case "Usage":
    case "BadInput":
      return 400
    case "Forbidden":
      return 403
    case "NotFound":
      return 404
    case "Locked":
      return 409
    case "ModelMissing":
    case "Unreachable":
    case "BadApiKey":
    case "ModelFailed":
      return 502
    case "Store":
    case "CorruptJournal":
    case "DataLost":
    case "Unexpected":
      return 500
  }
}

/**
 * The error answer of an app failure.
 * Law: the answer's status is `statusOf(failure.kind)`; its body keeps the kind and message.
 * @complexity O(1)
 */
export const fromFailure = (failure: AppFailure): ApiError => {
  const error = { kind: failure.kind, message: failure.message }
  switch (statusOf(failure.kind)) {
    case 400:
      return new BadRequest({ error })
    case 403:
      return new Forbidden({ error })
    case 404:
      return new NotFound({ error })
    case 409:
      return new Conflict({ error })
    case 502:
      return new BadGateway({ error })
    default:
      return new InternalError({ error })
  }
}

/** The error class (`_tag`) of each status the API declares. */
const TAGS: Readonly<Record<number, string>> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  429: "TooManyRequests",
  500: "InternalError",
  502: "BadGateway"
}

/**
 * The JSON text of an error answer of `status`: `{ "error": { kind, message } }`, with the `_tag`
 * of the status's error class when the API declares one (so the body is what the OpenAPI document
 * says, whichever layer answered).
 * @complexity O(|message|)
 */
export const bodyText = (status: number, kind: string, message: string): string =>
  JSON.stringify(TAGS[status] === undefined ? { error: { kind, message } } : { _tag: TAGS[status], error: { kind, message } })

/**
 * An error answer of `status` with the body of {@link bodyText}, for the layers that answer
 * outside the API's handlers (the server's limits, a cluster runner's forwarding).
 * @complexity O(|message|)
 */
export const errorResponse = (status: number, kind: string, message: string, headers: Record<string, string> = {}): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.text(bodyText(status, kind, message), { status, contentType: "application/json", headers })
