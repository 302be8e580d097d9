/**
 * Tokens — who may call `mags serve`: bearer tokens, each mapped to the users whose memories it
 * may read and write, and its request rate.
 *
 * Sources (see `mags serve --help`):
 * - the environment variable `MAGS_TOKENS`: `token=user[,user2];token2=user3` (rate: the default);
 * - a tokens file (`--tokens FILE`): `{ "tokens": [{ "token": "…", "users": ["alice"], "rate": 50, "burst": 100 }] }`.
 *
 * The user `*` stands for every user (an operator's token). A token is at least 16 characters
 * (a guessable token is refused when the server starts, not found out later). Tokens are
 * compared by a SHA-256 digest in constant time, never by `===` on the secret.
 *
 * @since 0.3.0
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { Result, Schema } from "effect"

// ── model ─────────────────────────────────────────────────────────────────────

/** The users a token may act for: a list, or every user (`"*"`). */
export type Users = ReadonlyArray<string> | "*"

/** What a valid token grants. */
export interface Grant {
  /** A short name for logs and rate-limit keys (never the secret): `token#<n>`, or `local`. */
  readonly name: string
  /** The users this token may act for. */
  readonly users: Users
  /** Sustained requests per second. */
  readonly rate: number
  /** Requests allowed in a burst. */
  readonly burst: number
}

/** A configured token: its secret's digest and its grant. */
export interface Token {
  readonly digest: Buffer
  readonly grant: Grant
}

/** The default sustained rate (requests per second per token). */
export const DEFAULT_RATE = 50
/** The default burst (requests per token). */
export const DEFAULT_BURST = 100
/** The shortest token accepted. */
export const MIN_TOKEN_LENGTH = 16

/** A tokens file. */
export const TokensFile = Schema.Struct({
  tokens: Schema.Array(Schema.Struct({
    token: Schema.String,
    users: Schema.Array(Schema.String),
    rate: Schema.optionalKey(Schema.Number),
    burst: Schema.optionalKey(Schema.Number)
  }))
})
export type TokensFile = typeof TokensFile.Type

// ── constructors ──────────────────────────────────────────────────────────────

const digestOf = (secret: string): Buffer => createHash("sha256").update(secret, "utf8").digest()

/** One configured token, checked. */
const tokenOf = (
  index: number,
  secret: string,
  users: ReadonlyArray<string>,
  rate: number | undefined,
  burst: number | undefined
): Result.Result<Token, string> => {
  const where = `token #${index + 1}`
  if (secret.length < MIN_TOKEN_LENGTH) return Result.fail(`${where} is shorter than ${MIN_TOKEN_LENGTH} characters`)
  if (/\s/.test(secret)) return Result.fail(`${where} holds white space`)
  const names = users.map((u) => u.trim())
  if (names.length === 0) return Result.fail(`${where} names no user`)
  if (names.some((u) => u.length === 0)) return Result.fail(`${where} names an empty user`)
  const r = rate ?? DEFAULT_RATE
  const b = burst ?? Math.max(DEFAULT_BURST, Math.ceil(r))
  if (!(Number.isFinite(r) && r > 0)) return Result.fail(`${where}: rate must be a positive number, got ${r}`)
  if (!(Number.isInteger(b) && b >= 1)) return Result.fail(`${where}: burst must be a positive integer, got ${b}`)
  return Result.succeed({
    digest: digestOf(secret),
    grant: { name: `token#${index + 1}`, users: names.includes("*") ? "*" : names, rate: r, burst: b }
  })
}

const collect = (tokens: ReadonlyArray<Result.Result<Token, string>>): Result.Result<ReadonlyArray<Token>, string> => {
  const out: Array<Token> = []
  for (const t of tokens) {
    if (Result.isFailure(t)) return Result.fail(t.failure)
    if (out.some((o) => o.digest.equals(t.success.digest))) return Result.fail(`${t.success.grant.name} repeats an earlier token`)
    out.push(t.success)
  }
  return Result.succeed(out)
}

/**
 * The tokens of `MAGS_TOKENS`: `token=user[,user2]` pairs separated by `;` (blank pairs ignored).
 * Laws: every token of the result maps to the users listed for it; a malformed pair fails the whole.
 * @complexity O(|text|)
 */
export const parseEnv = (text: string): Result.Result<ReadonlyArray<Token>, string> => {
  const pairs = text.split(";").map((p) => p.trim()).filter((p) => p.length > 0)
  return collect(pairs.map((pair, i) => {
    const eq = pair.indexOf("=")
    if (eq <= 0) return Result.fail(`MAGS_TOKENS: pair #${i + 1} is not token=user[,user2]`)
    return tokenOf(i, pair.slice(0, eq).trim(), pair.slice(eq + 1).split(","), undefined, undefined)
  }))
}

/**
 * The tokens of a tokens file's text (JSON, see the module header).
 * @complexity O(|text|)
 */
export const parseFile = (text: string): Result.Result<ReadonlyArray<Token>, string> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return Result.fail(`tokens file is not JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  const decoded = Schema.decodeUnknownResult(TokensFile)(json)
  if (Result.isFailure(decoded)) return Result.fail(`tokens file: ${decoded.failure.message}`)
  return collect(decoded.success.tokens.map((t, i) => tokenOf(i, t.token, t.users, t.rate, t.burst)))
}

/**
 * A fresh random token (32 URL-safe characters) for the users given, e.g. the operator's token
 * `mags serve` prints when none is configured.
 * @complexity O(1)
 */
export const generate = (users: Users): { readonly secret: string; readonly token: Token } => {
  const secret = randomBytes(24).toString("base64url")
  return {
    secret,
    token: { digest: digestOf(secret), grant: { name: "token#generated", users, rate: DEFAULT_RATE, burst: DEFAULT_BURST } }
  }
}

/** The grant of `--no-auth` (every user, default rate). */
export const localGrant: Grant = { name: "local", users: "*", rate: DEFAULT_RATE, burst: DEFAULT_BURST }

// ── getters ───────────────────────────────────────────────────────────────────

/**
 * The grant of a presented secret, if it is one of `tokens`. Every configured digest is compared
 * (constant time per digest), so the time taken does not tell which one matched.
 * @complexity O(|tokens|)
 */
export const lookup = (tokens: ReadonlyArray<Token>, secret: string): Grant | undefined => {
  const d = digestOf(secret)
  let found: Grant | undefined
  for (const t of tokens) if (timingSafeEqual(t.digest, d)) found = t.grant
  return found
}

/**
 * Whether `grant` may act for `user`.
 * Laws: `allows({users:"*"}, u)` for every u; `allows({users: us}, u)` ⇔ `us.includes(u)`.
 * @complexity O(|users|)
 */
export const allows = (grant: Grant, user: string): boolean => grant.users === "*" || grant.users.includes(user)
