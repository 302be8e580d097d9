/**
 * The pure core of MAGS-TS: the liquid knowledge graph, its transitions, similarity kernels,
 * events and replay. No I/O, no clock, no randomness: time and seeds are arguments.
 *
 * @since 0.1.0
 */
export * as Archive from "./Archive.ts"
export * as Changes from "./Changes.ts"
export * as Connect from "./Connect.ts"
export * as Consolidate from "./Consolidate.ts"
export * as Controller from "./Controller.ts"
export * as Decay from "./Decay.ts"
export * as Engram from "./Engram.ts"
export * as Errors from "./Errors.ts"
export * as Event from "./Event.ts"
export * as Fact from "./Fact.ts"
export * as Forget from "./Forget.ts"
export * as Key from "./Key.ts"
export * as LiquidGraph from "./LiquidGraph.ts"
export * as Node from "./Node.ts"
export * as Params from "./Params.ts"
export * as Policy from "./Policy.ts"
export * as Promote from "./Promote.ts"
export * as Prune from "./Prune.ts"
export * as Recall from "./Recall.ts"
export * as Reconcile from "./Reconcile.ts"
export * as Reinforce from "./Reinforce.ts"
export * as Relation from "./Relation.ts"
export * as Replay from "./Replay.ts"
export * as Similarity from "./Similarity.ts"
export * as Text from "./Text.ts"
export * as VectorStore from "./VectorStore.ts"
