/**
 * Changes — what a transition did, as data.
 *
 * Every transition returns `{ graph, changes }`. The shell shows and logs the changes; the laws
 * check them against the graphs before and after. Every list is in a deterministic order (the
 * order in which the transition made the change). An empty `Changes` means the transition was
 * the identity on the graph.
 *
 * @since 0.1.0
 */
import type { LiquidGraph } from "./LiquidGraph.ts"

/** A contradiction `reconcile` resolved: `loser` is kept as history, ended at `validUntil`. */
export interface Supersession {
  readonly winner: string
  readonly loser: string
  readonly reason: "single-valued" | "negation"
  /**
   * The decision in words: the rule, the relation and its single-valued side, and why the winner
   * won ("lives_in is single-valued (one object per subject): the newer fact wins").
   */
  readonly why: string
  /** Support scores compared (confidence × provenance), for audit. */
  readonly winnerSupport: number
  readonly loserSupport: number
  readonly validUntil: number
}

/** What a transition did. */
export interface Changes {
  readonly nodesAdded: ReadonlyArray<string>
  readonly nodesUpdated: ReadonlyArray<string>
  readonly nodesRemoved: ReadonlyArray<string>
  readonly edgesAdded: ReadonlyArray<string>
  readonly edgesStrengthened: ReadonlyArray<string>
  readonly edgesWeakened: ReadonlyArray<string>
  readonly edgesRemoved: ReadonlyArray<string>
  readonly edgesSolidified: ReadonlyArray<string>
  readonly superseded: ReadonlyArray<Supersession>
  /** `[from, into]`: node `from` was merged into `into`. */
  readonly merged: ReadonlyArray<readonly [string, string]>
  readonly promoted: ReadonlyArray<string>
  /** Nodes that left working memory (budget) without being promoted. */
  readonly demoted: ReadonlyArray<string>
  /** Canonical relations `engram` learned are single-valued (a new object told with a change cue). */
  readonly relationsLearned: ReadonlyArray<string>
  /** Fact edges `consolidate` created from knowledge repeated across episodes (also in `edgesAdded`). */
  readonly factsCreated: ReadonlyArray<string>
  /** Nodes whose summary (`text`) `consolidate` wrote, changed or cleared (also in `nodesUpdated`). */
  readonly summariesWritten: ReadonlyArray<string>
  /** Nodes `prune` moved to the archive (also in `nodesRemoved`: they left the active graph). */
  readonly nodesArchived: ReadonlyArray<string>
  /** Edges `prune` moved to the archive (also in `edgesRemoved`). */
  readonly edgesArchived: ReadonlyArray<string>
  /** Archived nodes brought back into the active graph (`Archive.reactivate`, `engram`, `recall`). */
  readonly nodesReactivated: ReadonlyArray<string>
  /** Archived edges brought back into the active graph. */
  readonly edgesReactivated: ReadonlyArray<string>
  /** Archived nodes whose embedding the archive bound dropped (their text and postings stay). */
  readonly vectorsCompacted: ReadonlyArray<string>
  /** Nodes `forget` deleted, active or archived (tombstoned). */
  readonly nodesForgotten: ReadonlyArray<string>
  /** Edges `forget` deleted, active or archived (tombstoned when `fact` edges). */
  readonly edgesForgotten: ReadonlyArray<string>
  /**
   * Edges `forget` kept that lost a reference to a forgotten item: a forgotten episode from their
   * provenance (another source remained), or the forgotten fact that superseded them.
   */
  readonly edgesRedacted: ReadonlyArray<string>
  /** Episode node ids `engram` skipped because they were forgotten (the batch was not learned). */
  readonly episodesSkipped: ReadonlyArray<string>
}

/** The empty change set. */
export const none: Changes = {
  nodesAdded: [], nodesUpdated: [], nodesRemoved: [], edgesAdded: [], edgesStrengthened: [],
  edgesWeakened: [], edgesRemoved: [], edgesSolidified: [], superseded: [], merged: [], promoted: [], demoted: [],
  relationsLearned: [], factsCreated: [], summariesWritten: [],
  nodesArchived: [], edgesArchived: [], nodesReactivated: [], edgesReactivated: [], vectorsCompacted: [],
  nodesForgotten: [], edgesForgotten: [], edgesRedacted: [], episodesSkipped: []
}

/** Whether nothing changed. @complexity O(1) */
export const isEmpty = (c: Changes): boolean =>
  c.nodesAdded.length + c.nodesUpdated.length + c.nodesRemoved.length + c.edgesAdded.length +
      c.edgesStrengthened.length + c.edgesWeakened.length + c.edgesRemoved.length + c.edgesSolidified.length +
      c.superseded.length + c.merged.length + c.promoted.length + c.demoted.length + c.relationsLearned.length +
      c.factsCreated.length + c.summariesWritten.length +
      c.nodesArchived.length + c.edgesArchived.length + c.nodesReactivated.length + c.edgesReactivated.length +
      c.vectorsCompacted.length + c.nodesForgotten.length + c.edgesForgotten.length + c.edgesRedacted.length +
      c.episodesSkipped.length === 0

/** A mutable collector transitions fill in, then freeze with {@link Collector.done}. */
export class Collector {
  readonly nodesAdded: Array<string> = []
  readonly nodesUpdated: Array<string> = []
  readonly nodesRemoved: Array<string> = []
  readonly edgesAdded: Array<string> = []
  readonly edgesStrengthened: Array<string> = []
  readonly edgesWeakened: Array<string> = []
  readonly edgesRemoved: Array<string> = []
  readonly edgesSolidified: Array<string> = []
  readonly superseded: Array<Supersession> = []
  readonly merged: Array<readonly [string, string]> = []
  readonly promoted: Array<string> = []
  readonly demoted: Array<string> = []
  readonly relationsLearned: Array<string> = []
  readonly factsCreated: Array<string> = []
  readonly summariesWritten: Array<string> = []
  readonly nodesArchived: Array<string> = []
  readonly edgesArchived: Array<string> = []
  readonly nodesReactivated: Array<string> = []
  readonly edgesReactivated: Array<string> = []
  readonly vectorsCompacted: Array<string> = []
  readonly nodesForgotten: Array<string> = []
  readonly edgesForgotten: Array<string> = []
  readonly edgesRedacted: Array<string> = []
  readonly episodesSkipped: Array<string> = []
  done(): Changes {
    return { ...this }
  }
}

/** The result of every transition: the new graph and what changed. */
export interface Step {
  readonly graph: LiquidGraph
  readonly changes: Changes
}

/** Concatenates change sets (for composed transitions). @complexity O(total) */
export const combine = (a: Changes, b: Changes): Changes => ({
  nodesAdded: [...a.nodesAdded, ...b.nodesAdded],
  nodesUpdated: [...a.nodesUpdated, ...b.nodesUpdated],
  nodesRemoved: [...a.nodesRemoved, ...b.nodesRemoved],
  edgesAdded: [...a.edgesAdded, ...b.edgesAdded],
  edgesStrengthened: [...a.edgesStrengthened, ...b.edgesStrengthened],
  edgesWeakened: [...a.edgesWeakened, ...b.edgesWeakened],
  edgesRemoved: [...a.edgesRemoved, ...b.edgesRemoved],
  edgesSolidified: [...a.edgesSolidified, ...b.edgesSolidified],
  superseded: [...a.superseded, ...b.superseded],
  merged: [...a.merged, ...b.merged],
  promoted: [...a.promoted, ...b.promoted],
  demoted: [...a.demoted, ...b.demoted],
  relationsLearned: [...a.relationsLearned, ...b.relationsLearned],
  factsCreated: [...a.factsCreated, ...b.factsCreated],
  summariesWritten: [...a.summariesWritten, ...b.summariesWritten],
  nodesArchived: [...a.nodesArchived, ...b.nodesArchived],
  edgesArchived: [...a.edgesArchived, ...b.edgesArchived],
  nodesReactivated: [...a.nodesReactivated, ...b.nodesReactivated],
  edgesReactivated: [...a.edgesReactivated, ...b.edgesReactivated],
  vectorsCompacted: [...a.vectorsCompacted, ...b.vectorsCompacted],
  nodesForgotten: [...a.nodesForgotten, ...b.nodesForgotten],
  edgesForgotten: [...a.edgesForgotten, ...b.edgesForgotten],
  edgesRedacted: [...a.edgesRedacted, ...b.edgesRedacted],
  episodesSkipped: [...a.episodesSkipped, ...b.episodesSkipped]
})
