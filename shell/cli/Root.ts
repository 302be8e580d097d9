/**
 * Root — the `mags` root command and its shared flags.
 *
 * The shared flags (see `Config.ts` for what each sets) are accepted before or after the
 * subcommand name (`mags --home /tmp/m ingest a.txt` or `mags ingest a.txt --home /tmp/m`), by
 * every command, `serve` and `mcp` included (so `--policy`, `--ask-model`, … reach them too). A
 * command's handler reads the resolved {@link settings}: its flags, then the environment
 * ({@link CliEnv}, `process.env` unless a test provides another), then the defaults.
 *
 * @since 0.1.0
 */
import { Context, Effect, Option, Redacted, Result } from "effect"
import { Command, Flag } from "effect/cli"
import * as Config from "../app/Config.ts"
import type { AppFailure } from "../app/Failure.ts"

/** The environment the CLI reads its variables from (default `process.env`). */
export const CliEnv = Context.Reference<Config.Env>("mags/shell/cli/CliEnv", {
  defaultValue: () => process.env
})

const text = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.optional)

/** The shared flags of every command. */
export const sharedFlags = {
  home: text("home", "Memory home folder (env MAGS_HOME, default ~/.mags)"),
  store: Flag.Redacted("store").pipe(
    Flag.withDescription("sqlite | postgres://user:password@host:port/database: where memories live (env MAGS_STORE, default sqlite: <home>/mags.db)"),
    Flag.optional
  ),
  user: text("user", "Memory user id (env MAGS_USER, default \"default\")"),
  agent: text("agent", "Memory agent id (env MAGS_AGENT, default \"default\")"),
  session: text("session", "Memory session id (env MAGS_SESSION, default \"default\")"),
  model: text("model", "GGUF model path or node-llama-cpp URI (env MAGS_MODEL; none: answer from memory)"),
  embeddings: text("embeddings", "glove | openai | test | <GGUF path> (env MAGS_EMBEDDINGS, default glove)"),
  openaiBaseUrl: text("openai-base-url", "OpenAI-compatible endpoint (env MAGS_OPENAI_BASE_URL)"),
  openaiApiKey: Flag.Redacted("openai-api-key").pipe(
    Flag.withDescription("API key of the endpoint (env MAGS_OPENAI_API_KEY)"),
    Flag.optional
  ),
  openaiModel: text("openai-model", "Chat model name at the endpoint (env MAGS_OPENAI_MODEL)"),
  openaiEmbeddingModel: text("openai-embedding-model", "Embedding model name at the endpoint (env MAGS_OPENAI_EMBEDDING_MODEL)"),
  threads: text("threads", "CPU threads of a local model (env MAGS_THREADS, default 2)"),
  extractor: text("extractor", "rules | model: how text becomes triples (env MAGS_EXTRACTOR, default rules)"),
  askModel: text("ask-model", "The ask path's model: openai:<name> or a GGUF path / URI (env MAGS_ASK_MODEL, default --model / --openai-model)"),
  writeModel: text("write-model", "The write path's model: openai:<name> or a GGUF path / URI (env MAGS_WRITE_MODEL, default --model / --openai-model)"),
  askLora: text("ask-lora", "LoRA adapter file for the ask path's GGUF model (env MAGS_ASK_LORA)"),
  writeLora: text("write-lora", "LoRA adapter file for the write path's GGUF model (env MAGS_WRITE_LORA)"),
  policy: text("policy", "Trained memory-controller policy file (env MAGS_POLICY; none: the hand-written controller)"),
  tools: text("tools", "on | off: offer the memory tools to models that take tools (env MAGS_TOOLS, default on)")
} as const

/** The root command (subcommands are attached in `Cli.ts`). */
export const mags = Command.make("mags").pipe(
  Command.withSharedFlags(sharedFlags),
  Command.withDescription(
    "MAGS — a memory that learns while a frozen language model runs: ingest, chat, recall, inspect, replay."
  )
)

/**
 * The resolved settings of the running command (flags over environment over defaults).
 * @complexity O(1)
 */
export const settings: Effect.Effect<Config.Settings, AppFailure, Command.CommandContext<"mags">> = Effect.gen(function*() {
  const flags = yield* mags
  const env = yield* CliEnv
  const plain = (o: Option.Option<string>) => Option.getOrUndefined(o)
  const resolved = Config.resolve({
    home: plain(flags.home),
    store: Option.getOrUndefined(Option.map(flags.store, Redacted.value)),
    user: plain(flags.user),
    agent: plain(flags.agent),
    session: plain(flags.session),
    model: plain(flags.model),
    embeddings: plain(flags.embeddings),
    openaiBaseUrl: plain(flags.openaiBaseUrl),
    openaiApiKey: Option.getOrUndefined(Option.map(flags.openaiApiKey, Redacted.value)),
    openaiModel: plain(flags.openaiModel),
    openaiEmbeddingModel: plain(flags.openaiEmbeddingModel),
    threads: plain(flags.threads),
    extractor: plain(flags.extractor),
    askModel: plain(flags.askModel),
    writeModel: plain(flags.writeModel),
    askLora: plain(flags.askLora),
    writeLora: plain(flags.writeLora),
    policy: plain(flags.policy),
    tools: plain(flags.tools)
  }, env)
  return Result.isFailure(resolved) ? yield* resolved.failure : resolved.success
})
