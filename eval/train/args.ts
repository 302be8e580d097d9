/**
 * The command line of `npm run train`:
 *
 * ```sh
 * npm run train -- --suite games --seed S [--quick] [--json] [--out DIR] [--iterations N]
 * ```
 *
 * Flags as `--flag value` or `--flag=value`. `--suite` names what the controller is trained on
 * (`games`: the nonsense game with rule changes, the maze and the kitchen; `mcq`: the
 * multiple-choice QA suite's MAGS memory; `locomo`: the recall depth per LoCoMo question, from
 * `../shared/data/locomo-dev.json`); `--seed` derives every
 * draw of the run and its training, validation and held-out game seeds (default 1); `--quick` the
 * small configuration (the quick worlds, fewer iterations: well under a minute); `--iterations`
 * overrides the number of GRPO iterations; `--out` names the report folder (default
 * `train-report/<UTC timestamp>`), where the policy file is written as `policy.json`.
 */
import { flagAt, integer } from "../args.ts"

export const SUITES = ["games", "mcq", "locomo"] as const
export type SuiteName = (typeof SUITES)[number]

export interface Args {
  readonly suite: SuiteName
  readonly seed: number
  readonly quick: boolean
  readonly json: boolean
  readonly out: string | undefined
  readonly iterations: number | undefined
  readonly help: boolean
}

export const DEFAULT_SEED = 1

export const USAGE = `usage: npm run train -- [--suite games] [--seed S] [--quick] [--json] [--out DIR] [--iterations N]

  --suite NAME     what to train the memory controller on: games (default: nonsense with rule changes, maze,
                   kitchen), mcq (the multiple-choice QA suite's memory) or locomo (recall depth per question
                   on LoCoMo, rewarded by recall@10; needs ../shared/data/locomo-dev.json)
  --seed S         seeds every draw and the training / validation / held-out game seeds (default ${DEFAULT_SEED})
  --quick          the small worlds and fewer iterations (under a minute)
  --json           stdout: one JSON object per line, the last {"heldout":{"hand":…,"learned":…,…},…}; progress on stderr
  --out DIR        the report folder, with policy.json (default train-report/<UTC timestamp>)
  --iterations N   GRPO iterations (games: 40, with --quick 24; mcq: 30, with --quick 12; locomo: 30, with --quick 10)
`

/**
 * Parses the arguments after `node eval/train/run.ts`.
 * @throws Error on an unknown flag or suite, a missing value or a bad number.
 */
export const parseArgs = (argv: ReadonlyArray<string>): Args => {
  let suite: SuiteName = "games"
  let seed = DEFAULT_SEED
  let quick = false
  let json = false
  let out: string | undefined
  let iterations: number | undefined
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const { flag, value, noValue, end } = flagAt(argv, i)
    switch (flag) {
      case "--suite": {
        const v = value()
        if (!(SUITES as ReadonlyArray<string>).includes(v)) throw new Error(`--suite: unknown suite ${JSON.stringify(v)} (known: ${SUITES.join(", ")})`)
        suite = v as SuiteName
        break
      }
      case "--seed":
        seed = integer(flag, value(), 0)
        break
      case "--iterations":
        iterations = integer(flag, value(), 0)
        break
      case "--quick":
        noValue()
        quick = true
        break
      case "--json":
        noValue()
        json = true
        break
      case "--out":
        out = value()
        break
      case "--help":
      case "-h":
        noValue()
        help = true
        break
      default:
        throw new Error(`unknown argument ${JSON.stringify(a)}`)
    }
    i = end()
  }
  return { suite, seed, quick, json, out, iterations, help }
}
