/**
 * The command line of `npm run eval`:
 *
 * ```sh
 * npm run eval                                   # every suite, full report folder
 * npm run eval -- <suite> [<suite> …] [--data FILE] [--json] [--quick] [--seed N] [--out DIR]
 * ```
 *
 * `--json` prints one `{"suite","system","metric","value"}` object per line on stdout instead of
 * writing a report; `--data` (one suite only) replaces the suite's default data file; `--out`
 * names the report folder (default `eval-report/<timestamp>` under the repository root).
 */

export interface Args {
  /** Suites to run, in command-line order; empty = all. */
  readonly suites: ReadonlyArray<string>
  readonly data: string | undefined
  readonly json: boolean
  readonly quick: boolean
  readonly seed: number
  readonly out: string | undefined
  readonly help: boolean
}

export const DEFAULT_SEED = 1

export const USAGE = `usage: npm run eval -- [<suite> …] [--data FILE] [--json] [--quick] [--seed N] [--out DIR]

  <suite>      run only these suites (default: all)
  --data FILE  the data file for the (single) suite, instead of its default
  --json       print one {"suite","system","metric","value"} JSON object per line; no report
  --quick      smaller runs (for checks)
  --seed N     the seed every suite uses (default ${DEFAULT_SEED})
  --out DIR    the report folder (default eval-report/<timestamp>)
`

/**
 * The flag at `argv[i]` (`--flag value` or `--flag=value`): its name, and readers of its value —
 * `value()` takes the inline value or the next argument (never one that starts with `--`), and
 * `noValue()` refuses an inline one; `end` is the index of the last argument it used (the next
 * one when `value()` consumed it). The one flag reader of `npm run eval` and `npm run tune`.
 */
export const flagAt = (
  argv: ReadonlyArray<string>,
  i: number
): { readonly flag: string; readonly value: () => string; readonly noValue: () => void; readonly end: () => number } => {
  const a = argv[i]!
  const eq = a.indexOf("=")
  const flag = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a
  const inline = a.startsWith("--") && eq > 0 ? a.slice(eq + 1) : undefined
  let end = i
  return {
    flag,
    value: () => {
      const v = inline ?? argv[++end]
      if (v === undefined || v.length === 0 || (inline === undefined && v.startsWith("--"))) throw new Error(`${flag} needs a value`)
      return v
    },
    noValue: () => {
      if (inline !== undefined) throw new Error(`${flag} takes no value`)
    },
    end: () => end
  }
}

/** An integer flag value, at least `min`. @throws Error naming the flag otherwise. */
export const integer = (flag: string, s: string, min = Number.MIN_SAFE_INTEGER): number => {
  const n = Number(s)
  if (!/^-?\d+$/.test(s.trim()) || !Number.isSafeInteger(n)) throw new Error(`${flag}: ${JSON.stringify(s)} is not an integer`)
  if (n < min) throw new Error(`${flag}: must be at least ${min}`)
  return n
}

/**
 * Parses the arguments after `node run.ts` (flags as `--flag value` or `--flag=value`).
 * Suite names are checked by the runner, which knows the registry.
 * @throws Error on an unknown flag, a missing value, a bad seed, or `--data` without exactly
 *   one suite.
 */
export const parseArgs = (argv: ReadonlyArray<string>): Args => {
  const suites: Array<string> = []
  let data: string | undefined
  let json = false
  let quick = false
  let seed = DEFAULT_SEED
  let out: string | undefined
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (!a.startsWith("-")) {
      if (!suites.includes(a)) suites.push(a)
      continue
    }
    const { flag, value, noValue, end } = flagAt(argv, i)
    switch (flag) {
      case "--json":
        noValue()
        json = true
        break
      case "--quick":
        noValue()
        quick = true
        break
      case "--help":
      case "-h":
        noValue()
        help = true
        break
      case "--data":
        data = value()
        break
      case "--out":
        out = value()
        break
      case "--seed":
        seed = integer(flag, value())
        break
      default:
        throw new Error(`unknown argument ${JSON.stringify(a)}`)
    }
    i = end()
  }
  if (data !== undefined && suites.length !== 1) {
    throw new Error(`--data needs exactly one suite name (e.g. npm run eval -- locomo --data FILE)`)
  }
  return { suites, data, json, quick, seed, out, help }
}
