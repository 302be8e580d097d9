/**
 * Config — where the `mags` CLI's settings come from: **flags over environment over defaults**.
 *
 * | setting                 | flag                        | environment                     | default            |
 * |-------------------------|-----------------------------|---------------------------------|--------------------|
 * | memory home             | `--home`                    | `MAGS_HOME`                     | `~/.mags`          |
 * | memory id               | `--user` `--agent` `--session` | `MAGS_USER` `MAGS_AGENT` `MAGS_SESSION` | `default` each |
 * | language model (GGUF)   | `--model`                   | `MAGS_MODEL`                    | none               |
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
 * `MAGS_EMBEDDINGS` is `glove` (the embedded default: GloVe 100-d SIF vectors, no download),
 * `openai` (the endpoint's `/v1/embeddings` with the embedding model), `test` (deterministic
 * hash vectors of `Embedder.layerTest`, 32-d, no data: for tests and quick experiments; they
 * carry no meaning), or a path to a GGUF embedding model. A memory keeps the dimension of the
 * first vectors it stored, so use one embedder per memory.
 *
 * The API key is held as a `Redacted` value from the moment it is read.
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
}

/** The environment variable read for each flag. */
export const envNames: { readonly [K in keyof Flags]-?: string } = {
  home: "MAGS_HOME",
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
  extractor: "MAGS_EXTRACTOR"
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

/** Which language model answers. */
export type ModelSetting =
  | { readonly _tag: "None" }
  | { readonly _tag: "Llama"; readonly modelPath: string; readonly threads: number }
  | { readonly _tag: "OpenAi"; readonly endpoint: Endpoint }

/** Which embedder embeds. */
export type EmbeddingsSetting =
  | { readonly _tag: "Glove"; readonly cacheDir: string }
  | { readonly _tag: "Test" }
  | { readonly _tag: "OpenAi"; readonly endpoint: Endpoint }
  | { readonly _tag: "Llama"; readonly modelPath: string; readonly threads: number }

/** Everything a command needs to know about its world. */
export interface Settings {
  /** The memory home (absolute): the database is `<home>/mags.db`. */
  readonly home: string
  readonly user: string
  readonly agent: string
  readonly session: string
  readonly model: ModelSetting
  readonly embeddings: EmbeddingsSetting
  readonly extractor: "rules" | "model"
}

// ── resolution ────────────────────────────────────────────────────────────────

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
  if (extractor === "model" && model._tag === "None") {
    return Result.fail(fail("Usage", "the model extractor needs a model (MAGS_MODEL or MAGS_OPENAI_MODEL)"))
  }

  // a memory named on the command line must be named: `--user ""` is refused, not read as "default"
  for (const part of ["user", "agent", "session"] as const) {
    const given = flags[part]
    if (given !== undefined && given.trim() === "") return Result.fail(fail("Usage", `--${part} must not be empty (leave it out for "default")`))
  }
  const id = Tenant.memoryIdOf({ user: get("user") ?? DEFAULT_PART, agent: get("agent"), session: get("session") })
  if (Result.isFailure(id)) return Result.fail(id.failure)

  return Result.succeed({
    home,
    user: id.success.user,
    agent: id.success.agent,
    session: id.success.session,
    model,
    embeddings,
    extractor
  })
}

/**
 * A one-line description of the settings, for `init` and `inspect` (the API key is never shown).
 * @complexity O(1)
 */
export const describe = (s: Settings): string => {
  const model = s.model._tag === "None"
    ? "none (answers from memory)"
    : s.model._tag === "Llama"
    ? `gguf ${s.model.modelPath} (threads ${s.model.threads})`
    : `openai ${s.model.endpoint.model} at ${s.model.endpoint.baseUrl}`
  const embeddings = s.embeddings._tag === "Glove"
    ? "glove"
    : s.embeddings._tag === "Test"
    ? "test"
    : s.embeddings._tag === "OpenAi"
    ? `openai ${s.embeddings.endpoint.model}`
    : `gguf ${s.embeddings.modelPath}`
  return `home ${s.home} · memory ${s.user}/${s.agent}/${s.session} · model ${model} · embeddings ${embeddings} · extractor ${s.extractor}`
}
