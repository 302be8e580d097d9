/**
 * Config — where the `mags` CLI's settings come from: **flags over environment over defaults**.
 *
 * | setting                 | flag                        | environment                     | default            |
 * |-------------------------|-----------------------------|---------------------------------|--------------------|
 * | memory home             | `--home`                    | `MAGS_HOME`                     | `~/.mags`          |
 * | memory store            | `--store`                   | `MAGS_STORE`                    | `sqlite` (`<home>/mags.db`) |
 * | memory id               | `--user` `--agent` `--session` | `MAGS_USER` `MAGS_AGENT` `MAGS_SESSION` | `default` each |
 * | language model (GGUF)   | `--model`                   | `MAGS_MODEL`                    | none               |
 * | ask path's model        | `--ask-model`               | `MAGS_ASK_MODEL`                | the language model |
 * | write path's model      | `--write-model`             | `MAGS_WRITE_MODEL`              | the language model |
 * | ask path's LoRA (GGUF)  | `--ask-lora`                | `MAGS_ASK_LORA`                 | none               |
 * | write path's LoRA (GGUF)| `--write-lora`              | `MAGS_WRITE_LORA`               | none               |
 * | memory-controller policy| `--policy`                  | `MAGS_POLICY`                   | none (the hand-written rules) |
 * | memory tools offered    | `--tools`                   | `MAGS_TOOLS`                    | `on`               |
 * | embeddings              | `--embeddings`              | `MAGS_EMBEDDINGS`               | `glove`            |
 * | OpenAI-compatible URL   | `--openai-base-url`         | `MAGS_OPENAI_BASE_URL`          | `https://api.openai.com` |
 * | its API key             | `--openai-api-key`          | `MAGS_OPENAI_API_KEY`           | none               |
 * | its chat model          | `--openai-model`            | `MAGS_OPENAI_MODEL`             | none               |
 * | its embedding model     | `--openai-embedding-model`  | `MAGS_OPENAI_EMBEDDING_MODEL`   | `text-embedding-3-small` |
 * | CPU threads (GGUF)      | `--threads`                 | `MAGS_THREADS`                  | 2                  |
 * | extractor               | `--extractor`               | `MAGS_EXTRACTOR`                | `rules`            |
 * | GloVe cache folder      | —                           | `MAGS_GLOVE_CACHE`              | `$XDG_CACHE_HOME/mags` or `~/.cache/mags` (one per user, whatever the home) |
 *
 * An empty value counts as absent (but an empty `--user`, `--agent` or `--session` flag is a usage
 * error: a memory named on the command line must be named). The language model is: the GGUF
 * file or node-llama-cpp URI of
 * `MAGS_MODEL` when set; else the OpenAI-compatible endpoint when `MAGS_OPENAI_MODEL` is set;
 * else **none** — `ask` and `chat` then answer from memory with the template of
 * `TemplateModel.ts`, no LLM. Setting both `MAGS_MODEL` and `MAGS_OPENAI_MODEL` is a usage error.
 *
 * **Per-path models** (MISSION feature 13, `shell/loop/PathModels.ts`): the loop's router sends a
 * request down the ask path (questions: recall, answer) or the write path (statements: engram),
 * and each path may have its own model. `MAGS_ASK_MODEL` / `MAGS_WRITE_MODEL` is either
 * `openai:<model name>` — that chat model at the OpenAI-compatible endpoint
 * (`MAGS_OPENAI_BASE_URL`, `MAGS_OPENAI_API_KEY`) — or anything else: a GGUF file path or
 * node-llama-cpp URI (`hf:…`, `https://…`). A path with no model of its own takes the language
 * model above (`MAGS_MODEL` or `MAGS_OPENAI_MODEL`), and with none at all, the template of
 * `TemplateModel.ts`. `MAGS_ASK_LORA` / `MAGS_WRITE_LORA` name a LoRA adapter file applied to that
 * path's GGUF model (its own, or the shared `MAGS_MODEL`); a LoRA for a path whose model is an
 * OpenAI-compatible one, or that has no model, is a usage error. Two paths with the same GGUF
 * file and the same LoRA (or the same endpoint model) share ONE loaded model. The model
 * extractor (`MAGS_EXTRACTOR=model`) uses the write path's model.
 *
 * `MAGS_TOOLS` is `on` (the loop offers the memory tools — recall, engram, connect — to models
 * that take tools; meta tokens work either way) or `off` (meta tokens only: for an
 * OpenAI-compatible server that rejects `tools`).
 *
 * `MAGS_POLICY` names a trained memory-controller policy file, resolved against the working
 * directory (the setting only carries the path; whoever loads it checks it).
 *
 * `MAGS_EMBEDDINGS` is `glove` (the embedded default: GloVe 100-d SIF vectors, no download),
 * `openai` (the endpoint's `/v1/embeddings` with the embedding model), `test` (deterministic
 * hash vectors of `Embedder.layerTest`, 32-d, no data: for tests and quick experiments; they
 * carry no meaning), or a path to a GGUF embedding model. A memory keeps the dimension of the
 * first vectors it stored, so use one embedder per memory.
 *
 * `MAGS_STORE` is `sqlite` (the embedded default: `<home>/mags.db`) or a PostgreSQL URL,
 * `postgres://user:password@host:port/database` (`postgresql://` too; a Unix socket folder as
 * `?host=/path`): every process pointed at one database shares its memories (see
 * `shell/store/Postgres.ts`). The home is still used for what is not memory (the GloVe cache
 * default aside, nothing else is written there by the store).
 *
 * The API key and the store URL (which may hold a password) are held as `Redacted` values from
 * the moment they are read.
 *
 * @since 0.1.0
 */
import { Redacted, Result } from "effect"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import * as GloveCache from "../embeddings/GloveCache.ts"
import { DEFAULT_PART } from "../store/MemoryStore.ts"
import { type AppFailure, fail } from "./Failure.ts"
import * as Tenant from "./Tenant.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** The flag values given on the command line (absent: `undefined`). */
export interface Flags {
  readonly home?: string | undefined
  readonly store?: string | undefined
  readonly user?: string | undefined
  readonly agent?: string | undefined
  readonly session?: string | undefined
  readonly model?: string | undefined
  readonly embeddings?: string | undefined
  readonly openaiBaseUrl?: string | undefined
  readonly openaiApiKey?: string | undefined
  readonly openaiModel?: string | undefined
  readonly openaiEmbeddingModel?: string | undefined
  readonly threads?: string | undefined
  readonly extractor?: string | undefined
  readonly askModel?: string | undefined
  readonly writeModel?: string | undefined
  readonly askLora?: string | undefined
  readonly writeLora?: string | undefined
  readonly policy?: string | undefined
  readonly tools?: string | undefined
}

/** The environment variable read for each flag. */
export const envNames: { readonly [K in keyof Flags]-?: string } = {
  home: "MAGS_HOME",
  store: "MAGS_STORE",
  user: "MAGS_USER",
  agent: "MAGS_AGENT",
  session: "MAGS_SESSION",
  model: "MAGS_MODEL",
  embeddings: "MAGS_EMBEDDINGS",
  openaiBaseUrl: "MAGS_OPENAI_BASE_URL",
  openaiApiKey: "MAGS_OPENAI_API_KEY",
  openaiModel: "MAGS_OPENAI_MODEL",
  openaiEmbeddingModel: "MAGS_OPENAI_EMBEDDING_MODEL",
  threads: "MAGS_THREADS",
  extractor: "MAGS_EXTRACTOR",
  askModel: "MAGS_ASK_MODEL",
  writeModel: "MAGS_WRITE_MODEL",
  askLora: "MAGS_ASK_LORA",
  writeLora: "MAGS_WRITE_LORA",
  policy: "MAGS_POLICY",
  tools: "MAGS_TOOLS"
}

/** The environment, as read (`process.env` in the CLI). */
export type Env = Readonly<Record<string, string | undefined>>

/** The default OpenAI-compatible base URL. */
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com"
/** The default OpenAI embedding model. */
export const DEFAULT_OPENAI_EMBEDDING_MODEL = "text-embedding-3-small"
/** The default CPU threads of a local model. */
export const DEFAULT_THREADS = 2

/** An OpenAI-compatible endpoint. */
export interface Endpoint {
  readonly baseUrl: string
  readonly apiKey: Redacted.Redacted<string> | undefined
  readonly model: string
}

/** Which language model answers (`lora`: a LoRA adapter file, only when one is set). */
export type ModelSetting =
  | { readonly _tag: "None" }
  | { readonly _tag: "Llama"; readonly modelPath: string; readonly threads: number; readonly lora?: string }
  | { readonly _tag: "OpenAi"; readonly endpoint: Endpoint }

/** The prefix of a path model value that names an OpenAI-compatible chat model (`openai:gpt-4o-mini`). */
export const OPENAI_PREFIX = "openai:"

/** The two paths of the loop (see `shell/loop/Router.ts`). */
export type PathName = "ask" | "write"

/** What answers on a path, for people and `ask --json`: the provider, the file or model name, the LoRA. */
export interface ModelIdentity {
  readonly provider: "llama" | "openai" | "template"
  /** The GGUF file (or URI) as configured, the endpoint's model name, or `"template"`. */
  readonly model: string
  /** The LoRA adapter file, only when one is set. */
  readonly lora?: string
}

/** Which embedder embeds. */
export type EmbeddingsSetting =
  | { readonly _tag: "Glove"; readonly cacheDir: string }
  | { readonly _tag: "Test" }
  | { readonly _tag: "OpenAi"; readonly endpoint: Endpoint }
  | { readonly _tag: "Llama"; readonly modelPath: string; readonly threads: number }

/** Where memories are stored. */
export type StoreSetting =
  | { readonly _tag: "Sqlite" }
  | { readonly _tag: "Postgres"; readonly url: Redacted.Redacted<string> }

/** Everything a command needs to know about its world. */
export interface Settings {
  /** The memory home (absolute): the database is `<home>/mags.db`. */
  readonly home: string
  /** The store: SQLite at `<home>/mags.db` (default), or a PostgreSQL database. */
  readonly store: StoreSetting
  readonly user: string
  readonly agent: string
  readonly session: string
  /** The shared language model (`MAGS_MODEL` / `MAGS_OPENAI_MODEL`), without any path's LoRA. */
  readonly model: ModelSetting
  /** The ask path's model: its own, else {@link Settings.model} (with the ask LoRA, if any). */
  readonly askModel: ModelSetting
  /** The write path's model: its own, else {@link Settings.model} (with the write LoRA, if any). */
  readonly writeModel: ModelSetting
  readonly embeddings: EmbeddingsSetting
  readonly extractor: "rules" | "model"
  /** The memory-controller policy file (absolute), or undefined: the hand-written controller. */
  readonly policy: string | undefined
  /** Offer the memory tools to models that take tools (`MAGS_TOOLS`, default on). */
  readonly tools: boolean
}

// ── resolution ────────────────────────────────────────────────────────────────

/** A URL with its password (if any) replaced by `***`. */
const redactUrl = (url: string): string => url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@")

/**
 * The store for people: `sqlite`, or the PostgreSQL URL without its password.
 * @complexity O(length of the URL)
 */
export const describeStore = (store: StoreSetting): string => (store._tag === "Sqlite" ? "sqlite" : redactUrl(Redacted.value(store.url)))

const present = (s: string | undefined): string | undefined => (s === undefined || s.trim() === "" ? undefined : s)

const expandHome = (path: string, homedir: string): string =>
  path === "~" ? homedir : path.startsWith("~/") ? NodePath.join(homedir, path.slice(2)) : path

/**
 * The settings from the flags, then the environment, then the defaults (see the module table).
 *
 * Laws: a flag always wins over its variable; an empty value is absent — but an empty or blank
 * `--user`, `--agent` or `--session` flag is refused (`Usage`), and so is a memory id part that
 * `Tenant.memoryIdOf` refuses (control characters, over 128 characters); the result depends
 * only on the arguments (pure).
 * @complexity O(number of settings)
 * @example
 * ```ts
 * Config.resolve({ home: "/tmp/m" }, { MAGS_HOME: "/elsewhere" }, "/home/me") // home "/tmp/m"
 * ```
 */
export const resolve = (flags: Flags, env: Env, homedir: string = NodeOs.homedir()): Result.Result<Settings, AppFailure> => {
  const get = (k: keyof Flags): string | undefined => present(flags[k]) ?? present(env[envNames[k]])
  const home = NodePath.resolve(expandHome(get("home") ?? NodePath.join(homedir, ".mags"), homedir))

  const storeText = get("store")
  let store: StoreSetting = { _tag: "Sqlite" }
  if (storeText !== undefined && storeText.trim().toLowerCase() !== "sqlite") {
    if (!/^postgres(ql)?:\/\/./i.test(storeText.trim())) {
      return Result.fail(fail("Usage", `store must be "sqlite" or a postgres:// URL, got "${redactUrl(storeText)}"`))
    }
    store = { _tag: "Postgres", url: Redacted.make(storeText.trim()) }
  }

  const threadsText = get("threads")
  const threads = threadsText === undefined ? DEFAULT_THREADS : Number(threadsText)
  if (!Number.isInteger(threads) || threads < 1) {
    return Result.fail(fail("Usage", `threads must be a positive integer, got "${threadsText}"`))
  }

  const baseUrl = get("openaiBaseUrl") ?? DEFAULT_OPENAI_BASE_URL
  const keyText = get("openaiApiKey")
  const apiKey = keyText === undefined ? undefined : Redacted.make(keyText)

  const modelPath = get("model")
  const openaiModel = get("openaiModel")
  if (modelPath !== undefined && openaiModel !== undefined) {
    return Result.fail(fail("Usage", "set either a GGUF model (MAGS_MODEL) or an OpenAI model (MAGS_OPENAI_MODEL), not both"))
  }
  const model: ModelSetting = modelPath !== undefined
    ? { _tag: "Llama", modelPath: expandHome(modelPath, homedir), threads }
    : openaiModel !== undefined
    ? { _tag: "OpenAi", endpoint: { baseUrl, apiKey, model: openaiModel } }
    : { _tag: "None" }

  // each path: its own model (`openai:<name>` or a GGUF), else the shared one; then its LoRA
  const pathModel = (path: PathName): Result.Result<ModelSetting, AppFailure> => {
    const own = get(path === "ask" ? "askModel" : "writeModel")
    const flag = `${path}-model`
    let chosen: ModelSetting = model
    if (own !== undefined) {
      if (own.startsWith(OPENAI_PREFIX)) {
        const name = own.slice(OPENAI_PREFIX.length).trim()
        const variable = envNames[path === "ask" ? "askModel" : "writeModel"]
        if (name === "") return Result.fail(fail("Usage", `--${flag} / ${variable} "${own}" names no model: write ${OPENAI_PREFIX}<model name>`))
        chosen = { _tag: "OpenAi", endpoint: { baseUrl, apiKey, model: name } }
      } else {
        chosen = { _tag: "Llama", modelPath: expandHome(own, homedir), threads }
      }
    }
    const lora = get(path === "ask" ? "askLora" : "writeLora")
    if (lora === undefined) return Result.succeed(chosen)
    const variable = envNames[path === "ask" ? "askLora" : "writeLora"]
    if (chosen._tag === "OpenAi") {
      return Result.fail(fail("Usage", `a LoRA adapter (--${path}-lora / ${variable}) needs a GGUF model, but the ${path} path's model is the OpenAI-compatible "${chosen.endpoint.model}"`))
    }
    if (chosen._tag === "None") {
      return Result.fail(fail("Usage", `a LoRA adapter (--${path}-lora / ${variable}) needs a GGUF model for the ${path} path (--${flag} or --model)`))
    }
    return Result.succeed({ ...chosen, lora: expandHome(lora, homedir) })
  }
  const askModel = pathModel("ask")
  if (Result.isFailure(askModel)) return Result.fail(askModel.failure)
  const writeModel = pathModel("write")
  if (Result.isFailure(writeModel)) return Result.fail(writeModel.failure)

  const embeddingsText = get("embeddings") ?? "glove"
  const embeddings: EmbeddingsSetting = embeddingsText === "glove"
    ? { _tag: "Glove", cacheDir: NodePath.resolve(expandHome(GloveCache.defaultCacheDir(env, homedir), homedir)) }
    : embeddingsText === "test"
    ? { _tag: "Test" }
    : embeddingsText === "openai"
    ? { _tag: "OpenAi", endpoint: { baseUrl, apiKey, model: get("openaiEmbeddingModel") ?? DEFAULT_OPENAI_EMBEDDING_MODEL } }
    : { _tag: "Llama", modelPath: expandHome(embeddingsText, homedir), threads }

  const extractor = get("extractor") ?? "rules"
  if (extractor !== "rules" && extractor !== "model") {
    return Result.fail(fail("Usage", `extractor must be "rules" or "model", got "${extractor}"`))
  }
  if (extractor === "model" && writeModel.success._tag === "None") {
    return Result.fail(fail("Usage", "the model extractor needs a model (MAGS_MODEL, MAGS_OPENAI_MODEL or MAGS_WRITE_MODEL)"))
  }

  // a memory named on the command line must be named: `--user ""` is refused, not read as "default"
  for (const part of ["user", "agent", "session"] as const) {
    const given = flags[part]
    if (given !== undefined && given.trim() === "") return Result.fail(fail("Usage", `--${part} must not be empty (leave it out for "default")`))
  }
  const policyText = get("policy")
  const tools = get("tools") ?? "on"
  if (tools !== "on" && tools !== "off") return Result.fail(fail("Usage", `tools must be "on" or "off", got "${tools}"`))
  const id = Tenant.memoryIdOf({ user: get("user") ?? DEFAULT_PART, agent: get("agent"), session: get("session") })
  if (Result.isFailure(id)) return Result.fail(id.failure)

  return Result.succeed({
    home,
    store,
    user: id.success.user,
    agent: id.success.agent,
    session: id.success.session,
    model,
    askModel: askModel.success,
    writeModel: writeModel.success,
    embeddings,
    extractor,
    policy: policyText === undefined ? undefined : NodePath.resolve(expandHome(policyText, homedir)),
    tools: tools === "on"
  })
}

/**
 * What a model setting answers with (for `ask --json`): the provider, the file or model name,
 * and the LoRA when one is set.
 * @complexity O(1)
 * @example
 * ```ts
 * Config.identity({ _tag: "OpenAi", endpoint }) // { provider: "openai", model: endpoint.model }
 * ```
 */
export const identity = (m: ModelSetting): ModelIdentity => {
  switch (m._tag) {
    case "None":
      return { provider: "template", model: "template" }
    case "Llama":
      return m.lora === undefined ? { provider: "llama", model: m.modelPath } : { provider: "llama", model: m.modelPath, lora: m.lora }
    case "OpenAi":
      return { provider: "openai", model: m.endpoint.model }
  }
}

/**
 * Whether two model settings are the same model — the same GGUF file with the same LoRA and
 * threads, the same endpoint model, or both none — so that both paths share one loaded model.
 *
 * Laws: reflexive and symmetric; a LoRA difference makes two GGUF settings differ.
 * @complexity O(1)
 */
export const sameModel = (a: ModelSetting, b: ModelSetting): boolean => {
  switch (a._tag) {
    case "None":
      return b._tag === "None"
    case "Llama":
      return b._tag === "Llama" && a.modelPath === b.modelPath && a.lora === b.lora && a.threads === b.threads
    case "OpenAi":
      return b._tag === "OpenAi" && a.endpoint.model === b.endpoint.model && a.endpoint.baseUrl === b.endpoint.baseUrl &&
        a.endpoint.apiKey === b.endpoint.apiKey
  }
}

const describeModel = (m: ModelSetting): string =>
  m._tag === "None"
    ? "none (answers from memory)"
    : m._tag === "Llama"
    ? `gguf ${m.modelPath}${m.lora === undefined ? "" : ` + lora ${m.lora}`} (threads ${m.threads})`
    : `openai ${m.endpoint.model} at ${m.endpoint.baseUrl}`

/**
 * A one-line description of the settings, for `init` and `inspect` (the API key is never shown).
 * When a path's model differs from the shared one, each path's model is named.
 * @complexity O(1)
 */
export const describe = (s: Settings): string => {
  const model = sameModel(s.askModel, s.model) && sameModel(s.writeModel, s.model)
    ? describeModel(s.model)
    : `ask ${describeModel(s.askModel)}, write ${describeModel(s.writeModel)}`
  const embeddings = s.embeddings._tag === "Glove"
    ? "glove"
    : s.embeddings._tag === "Test"
    ? "test"
    : s.embeddings._tag === "OpenAi"
    ? `openai ${s.embeddings.endpoint.model}`
    : `gguf ${s.embeddings.modelPath}`
  return `home ${s.home}${s.store._tag === "Postgres" ? ` · store ${describeStore(s.store)}` : ""} · memory ${s.user}/${s.agent}/${s.session} · model ${model} · embeddings ${embeddings} · extractor ${s.extractor}` +
    (s.tools ? "" : " · tools off") + (s.policy === undefined ? "" : ` · policy ${s.policy}`)
}
