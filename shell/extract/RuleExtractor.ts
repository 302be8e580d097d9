/**
 * RuleExtractor — the LLM-free extractor: conversational English → subject–relation–object triples.
 *
 * No model, no network: wink-nlp tags the text (`rules/Tokens.ts`), `chrono-node` reads its
 * dates (`Dates.ts`), and a hand-written clause grammar reads plain declarative sentences:
 *
 * ```
 * sentence := [correction-lead] [time-PP ","] clause ("and"|"but" clause)*   (", who …," clauses lifted out)
 * clause   := NP-list verb-group complement trailer*
 * NP       := pronoun | [det | possessive] [new|former] nominal+ [Name] ["," Name ","]
 *             ["'s" nominal+] ["of" NP] ["," possessive-role-NP ","]
 * verb     := (ADV | AUX | not | never | no longer)* VERB ["to" VERB]*  |  AUX(be/have/do) alone
 * complement := PREP NP-list | NP-list ["to" NP] ["as" NP]
 * trailer  := date phrase | ADV | ", not" NP | PP (a placing verb's place; else ignored, lowers confidence)
 * ```
 *
 * A **discourse** ({@link RuleExtractor.discourse}) reads turn after turn and carries what the
 * grammar needs across sentences and turns: the narrator ("My name is Kim", "I'm Kim"), the
 * speaker's group ("My wife Ana and I …" → "we" is Ana and Kim; a stated sibling joins "our
 * mother"), the named entities mentioned so far with their gender and sentence (for he / she /
 * they / it / his / her / their / him / them: a compatible one of the same sentence, a clause's
 * subject first, then of the last sentence naming anyone, then the most recent; names in a
 * sentence that gives no triple count too) and where each person was
 * said to work and live ("left X" reads as a move or a job change accordingly). Every
 * resolution is written into the triple's `resolved` notes ("she=Ola", "I=Kim").
 *
 * The grammar lives in this file; the tagger and its repairs in `rules/Tokens.ts`; the word
 * lists (gender, kin and role nouns, cue verbs) in `rules/Lexicon.ts`; dates in `Dates.ts`.
 *
 * Relations are the surface phrase, lowercase words separated by single spaces ("lives in",
 * "moved to", "is a", "sister of", "ceo of", "owned by"); the core's `Relation.canon` folds
 * synonyms. Role and kin phrases are written from the role holder: "my sister Ola" →
 * (Ola, "sister of", me); "Ola's husband, Marek" → (Marek, "husband of", Ola).
 *
 * Examples (speaker "Kim", turn time 15 June 2023):
 * - "My sister Ola lives in Gdansk" → (Ola, sister of, Kim), (Ola, lives in, Gdansk)
 * - "She moved to Berlin last week" → (Ola, moved to, Berlin, from 2023-06-08, change, she=Ola)
 * - "Ola worked at Acme from 2015 to 2018" → (Ola, worked at, Acme, 2015-01-01 … 2018-01-01)
 * - "Tom no longer works at IBM" → (Tom, works at, IBM, negated, change)
 * - "Kim sold the car to Lee" → (car, owned by, Lee, change), (car, owned by, Kim, negated, change)
 * - "Lee replaced Tom as captain of the Sharks" → (Lee, captain of, Sharks, change),
 *   (Tom, captain of, Sharks, negated, change); "Lena was named CEO of Globex" → (Lena, ceo of,
 *   Globex, change); "Acme has a new CEO, Dana" → (Dana, ceo of, Acme, change)
 * - "Correction: Ana lives in Porto, not Lisbon" → (Ana, lives in, Porto, change), (Ana, lives
 *   in, Lisbon, negated, change)
 * - "I left the keys on the table" → (keys, is on, table, change)
 * - "Ana moved to Cyberdyne Systems" → (Ana, works at, Cyberdyne Systems, change)
 *
 * Confidence: 0.8 when the whole clause was read; 0.6 when material was ignored or a
 * part-of-speech error was repaired; 0.1 less when a third-person pronoun was resolved.
 *
 * It is deliberately conservative: when a sentence does not fit the grammar it gives nothing
 * for it rather than guess. What it does NOT handle is listed in {@link limitations}.
 *
 * Determinism: the output is a pure function of the text, the options, the turn context and
 * (for a discourse) the turns read before.
 *
 * @since 0.1.0
 */
import * as Relation from "../../core/Relation.ts"
import { findDates } from "./Dates.ts"
import * as Lexicon from "./rules/Lexicon.ts"
import { nlp, readSentences, type Sentence, type Tok, verbLemma } from "./rules/Tokens.ts"
import type { Triple } from "./Triple.ts"

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/**
 * How a verb becomes a relation phrase: `"surface"` (as written: "moved to", "works at") or
 * `"lemma"` ("move to", "work at"). The copula is always "is" / "is a" / "is <prep>".
 * @since 0.1.0
 */
export type RelationForm = "lemma" | "surface"

/**
 * Options of the rule extractor.
 * - `relationForm`: see {@link RelationForm}. Default `"surface"`.
 * - `speaker`: the label first-person words stand for when the turn names none ("I live in
 *   Rome" → (speaker, lives in, Rome)). Default `null`: with no speaker and no narrator stated in
 *   the text, first-person sentences give nothing.
 * @since 0.1.0
 */
export interface Options {
  readonly relationForm: RelationForm
  readonly speaker: string | null
}

/** The default options: surface relations, no speaker. @since 0.1.0 */
export const defaultOptions: Options = { relationForm: "surface", speaker: null }

/**
 * What a turn says about itself: who speaks (first person resolves to it) and when (world ms
 * UTC; relative dates such as "yesterday" resolve against it, and not at all without it).
 * @since 0.2.0
 */
export interface TurnContext {
  readonly speaker?: string | null | undefined
  readonly time?: number | null | undefined
}

/**
 * A stateful reader of one conversation: each `read` sees the narrator, group, mentioned
 * entities and known homes/workplaces left by the turns read before it.
 * @since 0.2.0
 */
export interface Discourse {
  /**
   * The triples of one turn, in sentence order, then clause order.
   * Laws: deterministic given the turns read before; every `span` lies within `text`.
   * @complexity O(|text|) tagging + small per-sentence parsing
   */
  readonly read: (text: string, context?: TurnContext) => ReadonlyArray<Triple>
}

/**
 * A rule extractor: a pure, total function from text to triples (never throws on any string).
 * @since 0.1.0
 */
export interface RuleExtractor {
  readonly options: Options
  /**
   * The triples read from `text` as a conversation of its own (a fresh {@link Discourse}).
   * Laws: deterministic; every `span` lies within `text`; `extract("") == []`.
   * @complexity O(|text|) tokenisation + O(t²) worst case per sentence of t tokens (t is small)
   */
  readonly extract: (text: string, context?: TurnContext) => ReadonlyArray<Triple>
  /** A fresh stateful reader over several turns. @complexity O(1) */
  readonly discourse: () => Discourse
}

/**
 * What the rule extractor does not handle (it returns no triple, or a partial one, for these).
 * @since 0.1.0
 */
export const limitations: ReadonlyArray<string> = [
  "Pronoun coreference is salience, recency and gender agreement only: he/she/his/her/him take a person of the same sentence named before the pronoun (a clause's subject first, then the most recent; an agreeing gender before an unknown one; an object him/her never its own clause's subject: 'Okonkwo left Shell; he joined BP', 'Ola called Ana; she was happy' → she=Ola), else one of the people of the last sentence that named anyone (the same order), else the most recent person of that gender in the last 8 mentions, else the most recent person of unknown gender; they/them/their the most recent group (named together, or the two or three people of one sentence); it/its the most recent thing, or a name told as a verb's object. No world knowledge. Names in a sentence that gives no triple ('Had lunch with Ola.', 'Guess who I ran into: Bruno!', a question, 'according to Sam') are mentioned all the same; a name after a place preposition is a place unless the verb takes a person there ('ran into', 'talked to', 'married to'); an organisation's name ('Acme Labs') is never he or she. 'this', 'that', 'you', 'one' are never resolved; an unresolved pronoun makes its clause give nothing; ellipsis ('Yes, she does.') gives nothing.",
  "Gender comes from a small lexicon: kin and role words (sister, husband), titles (Mrs., Mr.), a few hundred common first names, and names ending in a consonant + 'a' read as female (with a short list of male exceptions). Other names have unknown gender and agree with both he and she.",
  "First person: 'we'/'us'/'our' stand for the last stated group that included the speaker ('My wife Ana and I …'), otherwise for the speaker; 'our' with a parent word (mother, father, grandparents) stands for the speaker and their stated siblings. 'My name is X' / 'I am X' / 'I'm X' / 'Call me X' set the narrator only when X is tagged as a proper name and is not a nationality ('I'm Polish'); 'you' is never resolved.",
  "Questions (ending in '?', or starting with a wh-word or an auxiliary) and imperatives give no triple.",
  "Subordinate clauses (because, although, if, when, that ...) are dropped; reported speech ('Alice said that Bob ...') gives no triple for the reported content; a clause with a complement clause ('Alice thinks Bob is nice') gives nothing.",
  "Restrictive relative clauses without commas ('The man who lives here is Bob') give nothing; only comma-delimited 'who/which' clauses right after a noun phrase are read.",
  "Passive voice: only 'X was VERBed by Y' (→ Y, verb, X) and 'X was VERBed PREP Z' (→ X, 'verbed prep', Z); passives with a second object are skipped.",
  "Modal verbs (can, could, may, might, must, shall, should, will, would) make a clause give nothing: possibility and future are not facts.",
  "Disjunctions ('Paris or Rome') and quantifier negation ('No cat ...') give nothing.",
  "Tense is not represented: 'Carol was a doctor' gives the same triple as 'Carol is a doctor'; only a date phrase sets validFrom/validUntil. A clause whose date falls after the turn's time ('is moving to Oslo next month') is a plan and gives nothing; without a turn time, future-tense progressives are read as facts.",
  "Dates: phrases chrono-node reads (3 March 2023, June 2023, 2021-03-05, last week, yesterday, two years ago, in May), bare years after a preposition (in 2024, since 2019, until 2020, from 2015 to 2018, between 2010 and 2012, as of 2021) and seasons (last/this/next spring, the summer of 2019, autumn 2020: meteorological, northern hemisphere; 'winter 2021' is its January, 'last winter' the December that began it). A leading 'Back in …' / 'Way back in …' or a phrase before the first comma that holds a date ('Around 2005, …') dates the clause; one that holds a verb (a subordinate clause) does not. A date is the START of the fact unless it follows until/till/to/through/before (the END). A relative date resolves only against the turn's time; without one it is skipped. Dates are truncated to the day, month or year written; times of day are dropped; 'for two years' (a duration) sets nothing.",
  "Change cues (now, moved, became, joined, switched, changed, replaced, new, no longer, anymore, stopped, quit, retired, moved out of, left) set `change`; the relation itself is the phrase as written. 'left X' reads as no longer working at X or living in X only when the discourse said so before or X looks like an organisation (Inc, bank, university, ...); otherwise it gives (S, left, X) with change. 'is not with X anymore' stays (S, is with, X, negated).",
  "Transfers (past tense only; 'sells bread' is a trade): 'S sold/gave/handed X to Y' → (X, owned by, Y, change) and (X, owned by, S, negated, change); 'S sold X' → (X, owned by, S, negated, change); 'S bought X' / 'bought T's X' → (S, bought, X), (X, owned by, S, change) and T's ownership negated. Ditransitives without 'to' ('sold Lee the car') are not read; a thing named by a possessive keeps only its noun ('his boat' → boat), adjectives included ('old piano').",
  "Role changes: 'Y replaced/succeeded/followed X as R of Z' and 'Y took over from X as R of Z' → (Y, R of, Z, change) and (X, R of, Z, negated, change); 'Y was named/appointed/elected/made/chosen (the) R of Z', 'Y was appointed as / promoted to R of Z', 'Y took over / stepped in / started as R of Z' → (Y, R of, Z, change) ('serves as R of Z' without change); 'Z has/got a new R, Y' or 'Z has a new R: Y', 'Y is the new R of Z', 'The new R of Z is Y', 'Z's new R is Y' → (Y, R of, Z, change). R must be a role word of the lexicon (ceo, chair, coach, captain, head, mayor, treasurer, ...). Not read: a role with no group ('Sam was made captain', 'Lee replaced Tom as captain' gives only (Lee, replaced, Tom)) — the group is not guessed from X's earlier role; active appointments ('The board named Lena CEO of Globex'); roles the tagger reads as verbs ('was promoted to head of sales').",
  "Corrections: a sentence opened by one or more short phrases each ended by a comma, colon or dash and holding a correction word ('Correction:', 'Sorry, I got that wrong:', 'My mistake,', 'To be clear,', 'No wait,', 'Actually,') or by 'I mean' / 'Actually' is read as usual with `change` set; a sentence that is only such a phrase ('Sorry, I got that wrong.') marks the next sentence of the discourse. What the correction replaces is left to the memory's single-valued slots: a correction of a many-valued relation (likes, visited) does not retract the old value. 'X R A, not B' / 'X R A rather than B' / 'instead of B' → (X, R, A, change) and (X, R, B, negated, change), also for 'is a'; not after a role or possessive predicate ('is the CEO of Z, not Tom'), and 'It's Porto, not Lisbon' (no relation) gives nothing.",
  "Placing things: 'S left/put/placed/kept/stored/hid/set/laid/stashed/dropped/hung/stuck/tucked/slipped/packed/parked/moved X PREP Y' (in, into, inside, on, onto, under, behind, beside, at, near, above; 'to' only after moved) and the passive 'X was moved/left/put PREP Y' → (X, 'is PREP', Y), with change except for keep; the agent is not read (an unresolved 'I' or 'someone' is enough). X must be a thing (not a person or a name, a job or an idiom's noun such as effort, faith, time) and Y a determined noun phrase ('in a hurry', 'in tears', 'at 10' are not places). 'next to', 'on top of', 'in front of' are not read; the core's location family folds in/on/at/inside/under but not behind/beside/near/above, which stay relations of their own. 'it' in 'I put it in the drawer' is resolved like any pronoun.",
  "Homes: 'X has/rents/shares a flat/apartment/house/home/place/studio/room … in Y' (Y a name, a definite place or someone's home) → (X, lives in, Y); 'got/found a flat in Y' or 'a new flat' → with change. Not read as a home: a holiday/summer/second/rental … home, the past 'had a flat in', 'a place in my heart'.",
  "Attribute updates: a leading 'These days', 'Nowadays', 'Lately', 'Now' (not 'Now that …') or a trailing 'these days' / 'now' / 'anymore' sets `change` on the clause; 'X has/got a new A: Y' / 'X has a new A, Y' → (X, A, Y, change); 'X changed/switched/updated her A to Y' → (X, A, Y, change). 'Tom's car is a Volvo' (an indefinite value) stays (car, is a, Volvo).",
  "Jobs: 'S moved/switched/transferred to O' reads as (S, works at, O, change) when O is a capitalised name with an organisation word (Inc, Corp, Labs, Systems, Logistics, Industries, Foods, Bank, Hospital, School, University, ...) or was told as anyone's workplace earlier in the discourse, or — after switched/transferred, not moved — when S's own workplace was told and O is not one of S's homes; otherwise it stays (S, moved to, O) / (S, switched to, O). 'S left X for Y' adds (S, works at / lives in, Y, change) when X reads as a job or home. 'joined', 'started working at', 'has/got a job at', 'is a N at Y' are read as before; 'moved from X to Y' reads only the first phrase.",
  "Labels: a plural possessive keeps its owner in the label ('the tenants' association' → tenants' association, 'the Smiths' house' → Smiths' house); a singular one keeps only the noun for things ('Tom's car' → car); 'my parents' house' (a possessive determiner before it) gives nothing.",
  "Apposition: a short parenthetical in brackets or between two dashes ('My sister (Carla) …', 'My sister — Carla — …', 'Carlos (my brother-in-law) …') is read as one in commas; a plural subject with its members named in commas ('My sons, Ali and Hassan, …', 'The twins, Ali and Hassan, …') stands for the names; 'my/X's R's name is Name' gives (Name, 'R of', X); 'my/our/his/X's R Name', 'R, Name,', 'a R named Name', 'have a R, Name' / 'have two Rs, A and B' and 'Name, X's R,' (R a kin or role word from a lexicon of about 150) give (Name, 'R of', X); plain adjectives are dropped from R ('old friend' → friend of; 'best friend', 'piano teacher' stay). Other comma lists without a final 'and' ('14 Calle Mayor, Madrid') keep only the first noun phrase.",
  "Only one relation per clause: a second prepositional phrase ('Alice met Bob in Paris') is ignored (confidence lowered), and ditransitives ('gave Bob a book') are not read.",
  "'There is/are ...' existentials, comparatives, numbers with units as relations, and idioms are not read.",
  "Part-of-speech errors of the small wink model are repaired in a few places only: a noun-tagged word in a verb's position ('lives', 'married', a bare word before a preposition or determiner, the word after 'we both'), a capitalised mid-sentence word tagged as a verb or noun (read as a name). Other tagging errors ('Ola and Marek own a dog' with 'own' an adjective) give wrong or no triples.",
  "'there' is resolved only as the object of live/work/study/stay/teach/move/go (to the last place or organisation named); 'started/began/kept V-ing X' reads as (S, V, X). Anaphoric dates ('before that', 'after the wedding') are not resolved.",
  "Only one prepositional phrase after an object is read, and only as the place of a job ('is a nurse at X' → works at X), the origin of a person ('is a designer from Lyon' → is from Lyon, a capitalised place only) or the named or definite institution of study/teach/research/train/coach/lecture ('studied law at Yale' → studied at Yale; not 'at a school'); 'plays rugby for Tonga' gives (S, plays, rugby) without 'for Tonga'. Subordinate openings are skipped only after a comma, or when a temporal preposition (after, before, since, until, during) opens the sentence and a subject pronoun starts the main clause.",
  "Other scripts: a sentence whose words are mostly outside the Latin script (CJK, Cyrillic, Arabic, ...) gives no triple; its text is never an error. A word in another script inside an English sentence is read as a name ('My friend 王芳 …'), and its clause only as far as the tagger, which sees it masked as 'xx', tags the rest right.",
  "A person 'at' an organisation with no job word ('I'm at Renault', 'I'm no longer at Renault') reads as the location relation 'is at', not as a job: 'at X' names where someone is as often as their employer.",
  "A bracket or dash aside that is a clause of its own ('My cousin Tarek — the one who lives in Beirut — is a journalist') is read as an apposition ('the one'): its relative clause and the predicate after it give nothing.",
  "Possessive chains are read one level deep: 'Tom's wife Jess' and 'my brother's name is …' are read, 'My brother's girlfriend, Mia, is a DJ' (an apposition after a two-level possessive) gives nothing.",
  "Chat: fillers and linking words with no comma ('btw', 'lol', 'also', 'and', 'ok so') are read past before a subject; emoji are not words; 'X's a/from/in/married …' after a noun is the copula, not the possessive; 'used to V' is the negated state ('I used to live in Detroit' → lives in Detroit, negated); 'the Smiths' is a family a later 'they/their' may mean.",
  "Sentences longer than 100 tokens are skipped, and runs of more than 128 non-space characters (long URLs, base64) are treated as blank, to keep the work linear."
]

// ---------------------------------------------------------------------------------------------
// Word classes
// ---------------------------------------------------------------------------------------------

const WH = new Set(["who", "whom", "whose", "what", "which", "where", "when", "why", "how"])
const MODALS = new Set(["can", "ca", "could", "may", "might", "must", "shall", "should", "will", "wo", "would", "'ll", "'d"])
const NEGATORS = new Set(["not", "n't", "never"])
const DROPPED_DETS = new Set(["the", "a", "an", "this", "that", "these", "those", "some", "all", "every", "each", "any"])
const PERSONAL_PRONOUNS = new Set([
  "i", "me", "my", "mine", "myself", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "it", "its",
  "we", "us", "our", "ours", "they", "them", "their", "theirs", "this", "that", "these", "those", "there", "someone",
  "something", "everyone", "everything", "nobody", "nothing", "who", "which", "what", "himself", "herself", "itself",
  "themselves", "ourselves", "yourself"
])
const POSSESSIVE_DETS = new Set(["my", "our", "his", "her", "their", "its"])
const TIME_ENTITIES = new Set(["DATE", "TIME", "DURATION"])
const CLAUSE_CONJ = new Set(["and", "but"])
const LIST_CONJ = new Set(["and", "&"])
const DISJ = new Set(["or", "nor"])
const POSSESSIVE_MARK = new Set(["'s", "'"])
const PLACE_PREPS = new Set(["in", "at", "to", "from", "near", "into", "across", "through"])
/**
 * Verbs and adjectives whose place preposition takes a person ("ran into Ola", "talked to Sam",
 * "is married to Tom"): the name after it is someone a later he/she may mean, not a place.
 */
const PERSON_PREPS: Readonly<Record<string, string>> = {
  run: "into", bump: "into", talk: "to", speak: "to", chat: "to", write: "to", reply: "to", listen: "to", wave: "to",
  complain: "to", apologise: "to", apologize: "to", lie: "to", introduce: "to", married: "to", engaged: "to", related: "to"
}
const CHANGE_ADVERBS = new Set(["now", "anymore", "nowadays"])
/** Verbs of aspect whose -ing complement carries the relation. */
const ASPECTUAL = new Set(["start", "begin", "continue", "keep"])
/** Answer words and interjections that open a turn before a comma ("No, she lives in Cork"). */
const OPENERS = new Set(["yes", "no", "yeah", "yep", "nope", "well", "oh", "ah", "so", "ok", "okay", "right", "sure", "actually", "honestly", "anyway", "hey", "hi", "hello"])
/** Adverbs that open a sentence telling a new state ("Nowadays, …", "Lately …", "Now …"). */
const NOW_LEADS = new Set(["nowadays", "lately", "now"])
/** Adverbs that make what follows a guess, not a fact. */
/** Fillers and linking words a chat sentence may open with, read past when a subject follows. */
const CHAT_LEADS = new Set(["btw", "fyi", "lol", "haha", "hahaha", "lmao", "ugh", "omg", "also", "plus", "and", "but", "anyway", "anyways", "oh", "ah", "well", "ok", "okay", "so", "hmm", "um", "uh", "yeah", "yes", "yep", "honestly", "tbh", "imo", "welp", "ooh", "wow"])
const SUBJECT_START = new Set(["PRON", "PROPN", "DET", "NOUN"])
const HEDGES = new Set(["maybe", "perhaps", "probably", "possibly", "apparently", "supposedly", "allegedly", "hopefully", "presumably"])
/** Words that say the speaker corrects what was said before ("Correction:", "I got that wrong:"). */
const CORRECTION_STRONG = new Set(["correction", "wrong", "mistake", "mistaken", "misspoke", "typo", "correct", "meant"])
/** Words that open a correction in a short phrase of their own ("Actually,", "No wait,", "To be clear,"). */
const CORRECTION_WEAK = new Set(["actually", "sorry", "oops", "wait", "scratch", "clear", "clarify", "precise", "bad", "rather", "update", "err"])
/** The first words a correction lead may start with (the cheap test before reading one). */
const CORRECTION_FIRST = new Set([...CORRECTION_STRONG, ...CORRECTION_WEAK, "to", "i", "no", "my", "let", "that", "oh", "ok", "okay", "hmm", "um", "uh"])
const LEAD_BREAKS = new Set([",", ":", ";", "—", "–", "-", "...", "…"])
/** The preposition a verb takes for a place ("worked there" → worked at the place). */
const PLACE_PREP_OF: Readonly<Record<string, string>> = { live: "in", work: "at", study: "at", stay: "in", teach: "at", move: "to", go: "to" }
/** Prepositions of time that may open a sentence without a comma ("After graduating I …"). */
const TEMPORAL_LEADS = new Set(["after", "before", "since", "until", "during"])
const SUBJECT_PRONOUNS = new Set(["i", "we", "he", "she", "they"])
/** "We both live …", "They are all teachers": read as adverbs. */
const QUANTIFIER_ADVERBS = new Set(["both", "all"])
/** Particles of phrasal verbs ("grew up in", "moved out of"). */
const PARTICLES = new Set(["up", "out", "back", "down", "off", "away", "over", "in", "on"])
/** Nouns that name a job: "got a new job at X" is working at X. */
const JOB_NOUNS = /(?:^|\s)(?:job|position|post|role|internship|placement)$/
/** Verbs with which "a job at X" means working at X. */
const JOB_VERBS = new Set(["get", "have", "start", "land", "find", "take", "accept", "begin", "got", "has"])
/** Nouns of a home: "has a flat in X" is living in X. */
const HOME_NOUNS = /(?:^|\s)(?:flat|apartment|house|home|place|condo|studio|bungalow|loft|bedsit|townhouse|room|houseboat)$/
/** Homes that are not where one lives ("a holiday home in Spain", "a second flat in Paris"). */
const OTHER_HOMES = /(?:^|\s)(?:holiday|summer|winter|vacation|weekend|beach|ski|country|second|guest|rental|investment|spare|empty)(?:\s|$)/
/** Verbs with which "a flat in X" is where the subject lives (now: not "had"); get/find: a move. */
const HOME_VERBS = new Set(["have", "has", "get", "got", "rent", "share", "find"])
/** Verbs with which "a new R, Y" / "a new R: Y" names the new R ("Acme has a new CEO, Dana"). */
const NEW_VALUE_VERBS = new Set(["have", "get", "hire", "appoint", "welcome", "choose", "pick", "elect", "name", "find"])
/** Verbs with which "her R to Y" sets a possessed attribute ("changed her number to …"). */
const CHANGE_TO_VERBS = new Set(["change", "switch", "update", "set"])
/** Agents an unresolved pronoun or "someone" may be when a thing is put somewhere (the agent is not read). */
const UNNAMED_AGENTS = new Set(["someone", "somebody", "i", "we", "you", "he", "she", "they"])
/** Possessive pronouns after "of": "a friend of mine". */
const OF_POSSESSIVES: Readonly<Record<string, string>> = { mine: "my", ours: "our", his: "his", hers: "her", theirs: "their" }

const DAY_MS = 86_400_000
const CONFIDENCE_CLEAN = 0.8
const CONFIDENCE_PARTIAL = 0.6
const PRONOUN_PENALTY = 0.1

const isNegator = (t: Tok): boolean => NEGATORS.has(t.lower)
const isBe = (t: Tok): boolean => t.lemma === "be" || ["is", "are", "was", "were", "am", "'s", "'re", "'m", "be", "been", "being"].includes(t.lower)
const isModal = (t: Tok): boolean => MODALS.has(t.lower) || (t.pos === "AUX" && MODALS.has(t.lemma))
const MONTH_NAME = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\.?$|^(?:january|february|march|april|june|july|august|september|october|november|december)$/i

/**
 * A token wink marks as a date or time — except a month name standing alone, which in
 * conversation is a name as often as a date ("Jan likes tea"); chrono reads real month dates.
 */
const isWinkDate = (t: Tok | undefined): boolean =>
  t !== undefined && t.ent !== null && TIME_ENTITIES.has(t.ent) && !MONTH_NAME.test(t.text)

/** A token tagged NOUN/ADJ that is probably a finite verb ("lives", "studies", "married"). */
const looksLikeVerb = (t: Tok): boolean =>
  (t.pos === "NOUN" && /[a-z]s$/.test(t.lower) && !/ss$/.test(t.lower)) || (t.pos === "ADJ" && /[a-z]ed$/.test(t.lower))

/**
 * A token the tagger read as a noun/adjective that stands where a verb does: "lives"/"married"
 * (see {@link looksLikeVerb}), or a lowercase bare word followed by a preposition or a
 * determiner ("… and work at Renault", "Olga own the hotel").
 */
const verbish = (toks: ReadonlyArray<Tok>, i: number): boolean => {
  const t = toks[i]
  if (t === undefined) return false
  if (looksLikeVerb(t)) return true
  const next = toks[i + 1]
  return (t.pos === "NOUN" || t.pos === "ADJ") && /^[a-z]+$/.test(t.text) && next !== undefined &&
    (next.pos === "ADP" || next.pos === "DET") && !["of", "'s"].includes(next.lower)
}

/** A plural noun phrase's singular: teachers → teacher, nannies → nanny (the last word only). */
const singular = (phrase: string): string =>
  /ies$/.test(phrase) ? `${phrase.slice(0, -3)}y` : /(?:ches|shes|xes|sses)$/.test(phrase) ? phrase.slice(0, -2) : phrase.slice(0, -1)

const NON_ASCII = /[^\u0000-\u007f]/
const NON_LATIN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Cyrillic}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Thai}\p{Script=Devanagari}\p{Script=Greek}\p{Script=Armenian}\p{Script=Georgian}\p{Script=Bengali}\p{Script=Tamil}]/u

// ---------------------------------------------------------------------------------------------
// Discourse state
// ---------------------------------------------------------------------------------------------

type MentionKind = "person" | "thing" | "group"

interface Mention {
  readonly label: string
  readonly kind: MentionKind
  readonly gender: Lexicon.Gender | null
  readonly members: ReadonlyArray<string>
  /** Named as the object of a verb ("I love Casa Lupo"): "it" may stand for it. */
  readonly object?: boolean
  /** In the discourse: the number of the sentence that mentioned it last, and whether as a clause's subject. */
  readonly sentence?: number
  readonly subject?: boolean
}

/** What a conversation carries from one sentence and turn to the next. */
interface State {
  /** Narrator named in the text, by the speaker label the turn was given ("" for none). */
  readonly narrators: Map<string, string>
  /** The speaker's group ("My wife Ana and I"), by speaker label. */
  readonly groups: Map<string, ReadonlyArray<string>>
  /** Stated siblings, by speaker label. */
  readonly siblings: Map<string, Array<string>>
  /** Mentions, most recent last (bounded). */
  readonly mentions: Array<Mention>
  /** Where each label was said to work / live (for "left X"). */
  readonly workplaces: Map<string, Set<string>>
  readonly homes: Map<string, Set<string>>
  /** Every label said to be someone's workplace (an employer, for "switched to X"). */
  readonly employers: Set<string>
  /** A sentence announced a correction of its own ("Sorry, I got that wrong."): the next one is it. */
  readonly pending: { correction: boolean }
  /** Sentences read so far (numbers the mentions). */
  readonly read: { sentences: number }
}

const MAX_MENTIONS = 32
/** How far back (in mentions) a gender match is preferred over a closer unknown-gender person. */
const GENDER_WINDOW = 8
/** How far back "it" looks for its thing. */
const THING_WINDOW = 6

const newState = (): State => ({
  narrators: new Map(),
  groups: new Map(),
  siblings: new Map(),
  mentions: [],
  workplaces: new Map(),
  homes: new Map(),
  employers: new Set(),
  pending: { correction: false },
  read: { sentences: 0 }
})

// ---------------------------------------------------------------------------------------------
// Parsing context
// ---------------------------------------------------------------------------------------------

interface DateSpan {
  readonly from: number | null
  readonly until: number | null
}

interface Ctx {
  readonly text: string
  readonly options: Options
  readonly state: State
  /** The speaker label the turn was given (context, then options), "" for none. */
  readonly given: string
  readonly time: number | null
  /** Noun-phrase lists by the token index that follows them (for relative clauses). */
  readonly npEnds: Map<number, ReadonlyArray<NP>>
  /** Date phrase index of each token (-1: none), and the phrases. */
  readonly tokDate: ReadonlyArray<number>
  readonly dates: ReadonlyArray<DateSpan>
  /**
   * This sentence's mentions with the token index they end at; `pronoun` when a third-person
   * pronoun stood for it, `subject` when it was a clause's subject.
   */
  readonly local: Array<{ readonly mention: Mention; readonly at: number; readonly pronoun?: boolean; readonly subject?: boolean }>
  /** Side facts of committed noun phrases, deduplicated by key. */
  readonly sides: Map<string, Draft>
}

/** A triple before its sentence span is attached. */
type Draft = Omit<Triple, "span">

const speakerOf = (ctx: Ctx): string | null => {
  const named = ctx.state.narrators.get(ctx.given)
  if (named !== undefined) return named
  return ctx.given === "" ? null : ctx.given
}

const draft = (
  subject: string,
  relation: string,
  object: string,
  extra: Partial<Draft> = {}
): Draft => ({
  subject, relation, object, negated: false, validFrom: null, validUntil: null, confidence: CONFIDENCE_CLEAN,
  change: false, resolved: [], ...extra
})

// ---------------------------------------------------------------------------------------------
// Noun phrases
// ---------------------------------------------------------------------------------------------

interface NP {
  /** The entity label (a name, "Kim's sister", "car"). */
  readonly text: string
  /** Token index just after the phrase. */
  readonly end: number
  readonly indefinite: boolean
  /** For "X's R" / "my R" with no name: the possessors' labels and R. */
  readonly possessors: ReadonlyArray<string> | null
  readonly possessed: string | null
  /** The labels the phrase stands for ("we" → the group; otherwise [text]). */
  readonly members: ReadonlyArray<string>
  readonly notes: ReadonlyArray<string>
  /** Facts the phrase states by itself ("my sister Ola" → Ola sister of me). */
  readonly sides: ReadonlyArray<Draft>
  readonly kind: MentionKind
  readonly gender: Lexicon.Gender | null
  /** "the CEO of Acme": the role and its target's labels. */
  readonly roleOf: {
    readonly role: string
    readonly targets: ReadonlyArray<string>
    readonly notes: ReadonlyArray<string>
    /** The target as a phrase ("St. Joseph's School"), when it was one. */
    readonly target?: NP
  } | null
  /** "new" / "former" in front of the noun. */
  readonly fresh: boolean
  readonly former: boolean
  /** A third-person pronoun was resolved. */
  readonly pronoun: boolean
  /** "a sister, Ola" / "a sister named Ola": the role the name was introduced with. */
  readonly apposedRole: string | null
  /** No determiner, no possessive, not a name: "teachers", "tea". */
  readonly bare: boolean
}

const slice = (ctx: Ctx, toks: ReadonlyArray<Tok>, from: number, to: number): string =>
  ctx.text.slice(toks[from]!.start, toks[to - 1]!.end)

/** Tokens that can be part of a noun phrase's content. */
const isNominal = (ctx: Ctx, toks: ReadonlyArray<Tok>, i: number): boolean => {
  const t = toks[i]
  return t !== undefined &&
    (ctx.tokDate[i] ?? -1) < 0 &&
    !((t.ent === "DATE" || t.ent === "TIME") && isWinkDate(t)) &&
    (!PERSONAL_PRONOUNS.has(t.lower) || /^\p{Lu}{2,}$/u.test(t.text)) &&
    (t.pos === "NOUN" || t.pos === "PROPN" || t.pos === "ADJ" || t.pos === "NUM" ||
      t.type === "email" || t.type === "url" || t.type === "hashtag" || t.type === "mention")
}

/** Runs of nominal tokens from `i` (bounded by `limit`); the index after them. */
const nominalRun = (ctx: Ctx, toks: ReadonlyArray<Tok>, i: number, limit: number): number => {
  let k = i
  while (k < limit && isNominal(ctx, toks, k)) {
    // "my brother Cian lives in Cork": after a name, a verb-like word ends the phrase.
    const prev = toks[k - 1]!
    if (k > i && (prev.pos === "PROPN" || /^\p{Lu}/u.test(prev.text)) && toks[k]!.pos !== "PROPN" && /^\p{Ll}/u.test(toks[k]!.text) && verbish(toks, k)) break
    k++
  }
  return k
}

const plainNP = (text: string, end: number, extra: Partial<NP> = {}): NP => ({
  text, end, indefinite: false, possessors: null, possessed: null, members: [text], notes: [], sides: [],
  kind: "thing", gender: null, roleOf: null, fresh: false, former: false, pronoun: false, apposedRole: null, bare: false, ...extra
})

/**
 * The mention a third-person pronoun stands for, looked up before token `at`; `objectCase`: an
 * object pronoun (him, her), which is not its own clause's subject ("Tom met Ed and thanked him").
 */
const resolvePronoun = (ctx: Ctx, word: string, at: number, objectCase = false): Mention | null => {
  const want: MentionKind = word === "it" || word === "its" ? "thing" :
    word === "they" || word === "them" || word === "their" ? "group" : "person"
  const gender: Lexicon.Gender | null = ["she", "her", "hers"].includes(word) ? "female" : ["he", "him", "his"].includes(word) ? "male" : null
  const speaker = speakerOf(ctx)
  const recent: Array<Mention> = []
  for (let j = ctx.local.length - 1; j >= 0; j--) if (ctx.local[j]!.at <= at) recent.push(ctx.local[j]!.mention)
  for (let j = ctx.state.mentions.length - 1; j >= 0; j--) recent.push(ctx.state.mentions[j]!)
  const candidates = recent.filter((m) => m.kind === want && m.label !== speaker)
  if (want === "thing") {
    // A name with no sign of a person ("I love Casa Lupo. It belongs to …") may be a thing.
    // Not a person a he/she of this sentence stands for ("Bruno has a bike. He keeps it …").
    const heOrShe = new Set(ctx.local.filter((l) => l.at <= at && l.mention.kind === "person" && l.pronoun === true).map((l) => l.mention.label))
    const thing = recent.slice(0, THING_WINDOW).find((m) =>
      m.kind === "thing" || (m.kind === "person" && m.label !== speaker && !heOrShe.has(m.label) && /^\p{Lu}/u.test(m.label) && (m.gender === null || m.object === true))
    )
    return thing ?? candidates[0] ?? null
  }
  if (want !== "person") return candidates[0] ?? null
  // A person of this sentence, before the pronoun, is more salient than anyone of the sentences
  // before ("Brannock no longer lives in Teshby; he moved to Dunmere", "Lars sold his boat"):
  // the subject of a clause first, then the most recent; an agreeing gender before an unknown one.
  // The people of the last sentence that named anyone come next ("Had lunch with Brannock. He
  // moved to Dunmere"), before a person of that gender named earlier.
  const salient = (xs: ReadonlyArray<{ readonly mention: Mention; readonly subject?: boolean | undefined }>): Mention | undefined => {
    const ranked = [...xs.filter((l) => l.subject === true).reverse(), ...xs.filter((l) => l.subject !== true).reverse()].map((l) => l.mention)
    return ranked.find((m) => m.gender === gender) ?? ranked.find((m) => m.gender === null)
  }
  const before = ctx.local.filter((l) => l.at <= at)
  const own = objectCase ? before.filter((l) => l.subject === true).at(-1)?.mention.label : undefined
  const mine = salient(before.filter((l) => l.mention.kind === "person" && l.mention.label !== speaker && l.mention.label !== own))
  if (mine !== undefined) return mine
  const people = ctx.state.mentions.filter((m) => m.kind === "person" && m.label !== speaker && m.sentence !== undefined)
  const last = people.reduce((n, m) => Math.max(n, m.sentence!), -1)
  const previous = salient(people.filter((m) => m.sentence === last).map((m) => ({ mention: m, subject: m.subject })))
  if (previous !== undefined) return previous
  const exact = candidates.slice(0, GENDER_WINDOW).find((m) => m.gender === gender)
  return exact ?? candidates.find((m) => m.gender === null) ?? null
}

/** The labels "we" / "our" stand for; `head` is the noun after "our" (a parent word widens it to the siblings). */
const firstPersonPlural = (ctx: Ctx, head: string | null): ReadonlyArray<string> | null => {
  const speaker = speakerOf(ctx)
  if (speaker === null) return null
  const siblings = ctx.state.siblings.get(ctx.given) ?? []
  if (head !== null && Lexicon.isParentKin(head) && siblings.length > 0) return [speaker, ...siblings]
  return ctx.state.groups.get(ctx.given) ?? [speaker]
}

const noteOf = (word: string, labels: ReadonlyArray<string>): string => `${word}=${labels.join("+")}`

/** The possessors of a possessive determiner at `i`, with the notes; `null` when unresolved. */
const possessorsOf = (
  ctx: Ctx,
  word: string,
  i: number,
  head: string
): { labels: ReadonlyArray<string>; notes: ReadonlyArray<string>; pronoun: boolean } | null => {
  if (word === "my") {
    const s = speakerOf(ctx)
    return s === null ? null : { labels: [s], notes: [noteOf("my", [s])], pronoun: false }
  }
  if (word === "our") {
    const labels = firstPersonPlural(ctx, head)
    return labels === null ? null : { labels, notes: [noteOf("our", labels)], pronoun: false }
  }
  const m = resolvePronoun(ctx, word, i)
  return m === null ? null : { labels: m.members, notes: [noteOf(word, m.members)], pronoun: true }
}

/** A run of proper-noun tokens in [from, to) ending at `to`: its start, or `to` when none. */
const properTail = (toks: ReadonlyArray<Tok>, from: number, to: number): number => {
  let p = to
  while (p > from && toks[p - 1]!.pos === "PROPN") p--
  return p
}

/** ", Name ," right after `k` (the name run and the index after it), or null. */
const appositiveName = (ctx: Ctx, toks: ReadonlyArray<Tok>, k: number, limit: number): { name: string; end: number } | null => {
  if (toks[k]?.text !== ",") return null
  let j = k + 1
  if (toks[j]?.pos !== "PROPN") return null
  while (j < limit && toks[j]?.pos === "PROPN" && isNominal(ctx, toks, j)) j++
  const after = toks[j]
  if (after !== undefined && after.text !== "," && !(after.pos === "PUNCT" && j === toks.length - 1)) return null
  // "My friends, Ali, Omar and Hassan, …": a list of names, not one apposition.
  if (after?.text === "," && toks[j + 1]?.pos === "PROPN" && /[^s]s$/.test(toks[k - 1]?.lower ?? "")) return null
  return { name: slice(ctx, toks, k + 1, j), end: after?.text === "," ? j + 1 : j }
}

/** "named Name" / "called Name" right after `k`, or null. */
const namedAfter = (ctx: Ctx, toks: ReadonlyArray<Tok>, k: number, limit: number): { name: string; end: number } | null => {
  const w = toks[k]?.lower
  if (w !== "named" && w !== "called") return null
  let j = k + 1
  while (j < limit && toks[j]?.pos === "PROPN" && isNominal(ctx, toks, j)) j++
  return j === k + 1 ? null : { name: slice(ctx, toks, k + 1, j), end: j }
}

const roleSides = (holder: string, role: string, of: ReadonlyArray<string>, notes: ReadonlyArray<string>, extra: Partial<Draft> = {}): ReadonlyArray<Draft> =>
  of.filter((o) => o !== holder).map((o) => draft(holder, `${Lexicon.roleHead(role)} of`, o, { resolved: notes, ...extra }))

/**
 * A noun phrase at `i` (not past `limit`), or `null`.
 * Leading determiners are dropped; pronouns are resolved (or fail).
 */
const parseNP = (ctx: Ctx, toks: ReadonlyArray<Tok>, i: number, limit = toks.length): NP | null => {
  const t = toks[i]
  if (t === undefined || i >= limit) return null
  const w = t.lower
  // Personal pronouns.
  if (w === "i" || w === "me" || w === "myself") {
    const s = speakerOf(ctx)
    return s === null ? null : plainNP(s, i + 1, { notes: [noteOf("I", [s])], kind: "person" })
  }
  if (w === "we" || w === "us" || w === "ourselves") {
    const labels = firstPersonPlural(ctx, null)
    if (labels === null) return null
    return plainNP(labels.join(" and "), i + 1, { members: labels, notes: [noteOf("we", labels)], kind: labels.length > 1 ? "group" : "person" })
  }
  const nextIsNominal = isNominal(ctx, toks, i + 1) && i + 1 < limit
  if (["he", "him", "she", "they", "them", "it"].includes(w) || (w === "her" && !nextIsNominal)) {
    const m = resolvePronoun(ctx, w, i, w === "him" || w === "her")
    if (m === null) return null
    return plainNP(m.label, i + 1, { members: m.members, notes: [noteOf(w, m.members)], kind: m.kind, gender: m.gender, pronoun: true })
  }
  let k = i
  let indefinite = false
  let possessive: string | null = null
  if (POSSESSIVE_DETS.has(w)) {
    possessive = w
    k++
  } else if (t.pos === "DET") {
    if (!DROPPED_DETS.has(w)) return null // "no", "neither", ... quantifier negation
    indefinite = w === "a" || w === "an"
    k++
  }
  let fresh = false
  let former = false
  const contentStart0 = k
  // Lowercase only: "New York" is a name.
  while (k < limit && ["new", "former", "ex", "current", "previous"].includes(toks[k]!.text) && isNominal(ctx, toks, k + 1)) {
    if (toks[k]!.lower === "new") fresh = true
    if (toks[k]!.lower === "former" || toks[k]!.lower === "ex" || toks[k]!.lower === "previous") former = true
    k++
  }
  const contentStart = k
  // A gerund heads a noun phrase of its own: "love surfing", "gave up smoking cigars".
  const gerund = possessive === null && !(k > i) && toks[k]?.pos === "VERB" && /^[a-z]+ing$/.test(toks[k]!.text) && k < limit
  k = nominalRun(ctx, toks, gerund ? k + 1 : k, limit)
  if (k === contentStart) return null
  const hadDet = contentStart0 > i
  // A proper-name run after common nouns: "the writer Mark Twain", "my sister Ola".
  const nameStart = properTail(toks, contentStart, k)
  const hasRoleAndName = nameStart > contentStart && nameStart < k && toks[nameStart - 1]!.pos === "NOUN"
  const content = slice(ctx, toks, contentStart, hasRoleAndName ? nameStart : k)
  const headWord = toks[(hasRoleAndName ? nameStart : k) - 1]!.lower
  let notes: Array<string> = []
  let sides: Array<Draft> = []
  let pronoun = false
  let possessors: ReadonlyArray<string> | null = null
  if (possessive !== null) {
    const owner = possessorsOf(ctx, possessive, i, content)
    if (owner === null) return null
    possessors = owner.labels
    notes = [...owner.notes]
    pronoun = owner.pronoun
  }
  const role = Lexicon.isRoleNoun(content) ? content : null
  const genderOfRole = role === null ? null : Lexicon.kinGender(headWord)
  let np: NP
  if (hasRoleAndName && (possessors !== null || hadDet)) {
    // "my sister Ola", "the writer Mark Twain": the name is the entity.
    const name = slice(ctx, toks, nameStart, k)
    if (possessors !== null && role !== null) sides = [...roleSides(name, content, possessors, notes, { change: fresh, negated: former })]
    np = plainNP(name, k, { sides, kind: "person", gender: genderOfRole ?? Lexicon.nameGender(name), fresh, former })
  } else if (possessors !== null) {
    // "my sister" (no name): "Kim's sister" — or ", Elzbieta," after it.
    const apposed = role !== null ? appositiveName(ctx, toks, k, limit) : null
    if (apposed !== null) {
      sides = [...roleSides(apposed.name, content, possessors, notes, { change: fresh, negated: former })]
      np = plainNP(apposed.name, apposed.end, { sides, kind: "person", gender: genderOfRole ?? Lexicon.nameGender(apposed.name), fresh, former })
    } else {
      // A person is named from the holder ("Kim's sister"); a thing keeps its noun ("his boat" → boat).
      const label = role === null ? content : `${possessors[0]}'s ${content}`
      sides = role === null ? [] : [...roleSides(label, content, possessors.slice(1), notes)]
      np = plainNP(label, k, {
        possessors, possessed: content, notes, sides, fresh, former, pronoun,
        // "Ane's parents" are several people: a group "they" may refer to, not "she".
        kind: role === null ? "thing" : Lexicon.singularRole(headWord) !== headWord ? "group" : "person",
        gender: genderOfRole
      })
    }
  } else {
    const start = hasRoleAndName ? nameStart : contentStart
    let text = slice(ctx, toks, start, k)
    const allProper = toks.slice(start, k).every((x) => x.pos === "PROPN")
    // An acronym (BBVA, UPV, WHO) names an organisation, not a person.
    const acronym = k - start === 1 && /^\p{Lu}{2,}$/u.test(toks[start]!.text)
    let kind: MentionKind = (allProper && !acronym) || role !== null ? "person" : "thing"
    let gender = role !== null ? genderOfRole : allProper ? Lexicon.nameGender(text) : null
    let possessed: string | null = null
    let owners: ReadonlyArray<string> | null = null
    let apposedRole: string | null = null
    const mark = toks[k]
    if (mark !== undefined && k < limit && POSSESSIVE_MARK.has(mark.lower) && mark.pos !== "VERB" && mark.pos !== "AUX") {
      // "Ola's husband" (, Marek,); "Acme's new CEO" (a change); "the tenants' association" (one name).
      const after = k + 1
      let from = after
      while (from < limit && ["new", "former", "ex", "previous"].includes(toks[from]!.text) && isNominal(ctx, toks, from + 1)) {
        if (toks[from]!.text === "new") fresh = true
        else former = true
        from++
      }
      const to = nominalRun(ctx, toks, from, limit)
      if (to === from) return null
      const ownerText = text
      // "St. Mary's Hospital", "Tom's Bakery": capitalised words on both sides make one name.
      const named = allProper && toks.slice(after, to).every((x) => /^\p{Lu}/u.test(x.text))
      if (named) {
        np = plainNP(slice(ctx, toks, start, to), to, { notes, kind: "thing", fresh, former, pronoun })
        return finishNP(ctx, toks, np, limit, content, role, hadDet, possessive, contentStart)
      }
      // "Ola's son Kuba": a name after the role noun.
      const tail = properTail(toks, from, to)
      const namedRole = tail > from && tail < to && toks[tail - 1]!.pos === "NOUN" && Lexicon.isRoleNoun(slice(ctx, toks, from, tail))
      const possessedText = slice(ctx, toks, from, namedRole ? tail : to)
      const ownedRole = Lexicon.isRoleNoun(possessedText)
      const apposed = namedRole ? { name: slice(ctx, toks, tail, to), end: to } : ownedRole ? appositiveName(ctx, toks, to, limit) : null
      if (apposed !== null) {
        sides = [...roleSides(apposed.name, possessedText, [ownerText], notes)]
        text = apposed.name
        k = apposed.end
        gender = Lexicon.kinGender(possessedText.split(/\s+/).pop() ?? "") ?? Lexicon.nameGender(apposed.name)
      } else {
        owners = [ownerText]
        possessed = possessedText
        // A plural possessive names a kind of thing by its owners: "the tenants' association".
        text = ownedRole || mark.lower === "'" ? slice(ctx, toks, start, to) : possessedText
        k = to
        gender = ownedRole ? Lexicon.kinGender(toks[to - 1]!.lower) : null
      }
      const possessedHead = possessedText.toLowerCase().split(/\s+/).pop() ?? ""
      kind = !ownedRole ? "thing" : apposed === null && Lexicon.singularRole(possessedHead) !== possessedHead ? "group" : "person"
    } else if (role !== null && !allProper && hadDet) {
      // "the CEO, Maria Lopez," / "a sister, Ola" / "a sister named Ola"
      const apposed = appositiveName(ctx, toks, k, limit) ?? namedAfter(ctx, toks, k, limit)
      if (apposed !== null) {
        text = apposed.name
        k = apposed.end
        gender = genderOfRole ?? Lexicon.nameGender(apposed.name)
        apposedRole = content
      }
    } else if (!allProper && hadDet) {
      // "a startup called Feedzai", "a dog named Rex": the name.
      const named = namedAfter(ctx, toks, k, limit)
      if (named !== null) {
        text = named.name
        k = named.end
        kind = "thing"
      }
    }
    np = plainNP(text, k, {
      indefinite, possessors: owners, possessed, notes, sides, kind, gender, fresh, former, pronoun, apposedRole,
      bare: !hadDet && owners === null && !allProper
    })
  }
  return finishNP(ctx, toks, np, limit, content, role, hadDet, possessive, contentStart)
}

/** What may follow a noun phrase's head: "of" + NP ("the CEO of Acme", "a friend of mine"), ", X's R,". */
const finishNP = (
  ctx: Ctx,
  toks: ReadonlyArray<Tok>,
  head: NP,
  limit: number,
  content: string,
  role: string | null,
  hadDet: boolean,
  possessive: string | null,
  contentStart: number
): NP | null => {
  let np = head
  // "capital of France", "the CEO of Acme": one phrase; a role of its target.
  let end = np.end
  const ofPossessive = toks[end]?.lower === "of" ? OF_POSSESSIVES[toks[end + 1]?.lower ?? ""] : undefined
  if (ofPossessive !== undefined && np.possessors === null && end + 1 < limit) {
    // "an old friend of mine" → a role of the speaker.
    const owner = possessorsOf(ctx, ofPossessive, end + 1, np.text)
    if (owner === null) return null
    np = { ...np, end: end + 2, roleOf: { role: content, targets: owner.labels, notes: owner.notes }, kind: role !== null ? "person" : np.kind }
    end = end + 2
  } else if (toks[end]?.lower === "of" && end + 1 < limit && np.possessors === null) {
    const inner = parseNP(ctx, toks, end + 1, limit)
    if (inner !== null) {
      const head = np.text
      // "CEO of Globex" with "CEO" tagged a name is still a role.
      const isRole = hadDet || possessive !== null || !toks.slice(contentStart, np.end).every((x) => x.pos === "PROPN") || Lexicon.isRoleNoun(head)
      np = {
        ...np,
        text: `${head} of ${inner.text}`,
        members: [`${head} of ${inner.text}`],
        end: inner.end,
        possessed: np.possessed === null ? null : `${np.possessed} of ${inner.text}`,
        roleOf: isRole ? { role: head, targets: inner.members, notes: inner.notes, target: inner } : null,
        sides: [...np.sides, ...inner.sides],
        kind: Lexicon.isRoleNoun(head) ? "person" : np.kind
      }
      end = inner.end
    }
  }
  // "Marek, Ola's husband, …": a name followed by a possessive role phrase in commas.
  if (np.kind === "person" && np.possessors === null && np.roleOf === null && toks[end]?.text === "," && end + 1 < limit) {
    const inner = parseNP(ctx, toks, end + 1, limit)
    if (inner !== null && inner.possessors !== null && inner.possessed !== null && Lexicon.isRoleNoun(inner.possessed) && toks[inner.end]?.text === ",") {
      np = {
        ...np,
        end: inner.end + 1,
        sides: [...np.sides, ...roleSides(np.text, inner.possessed, inner.possessors, inner.notes)],
        gender: np.gender ?? Lexicon.kinGender(inner.possessed.split(/\s+/).pop() ?? "")
      }
    }
  }
  return np
}

interface NPList {
  readonly nps: ReadonlyArray<NP>
  readonly end: number
  /** A comma list without a final "and", of which only the first phrase was kept. */
  readonly truncated: boolean
  readonly disjunctive: boolean
}

/** Whether a verb group starts at `i` (a new clause after a conjunction). */
const startsVerbGroup = (toks: ReadonlyArray<Tok>, i: number): boolean => {
  let k = i
  while (toks[k] !== undefined && (toks[k]!.pos === "ADV" || isNegator(toks[k]!) || QUANTIFIER_ADVERBS.has(toks[k]!.lower))) k++
  const t = toks[k]
  return t !== undefined && (t.pos === "VERB" || t.pos === "AUX")
}

const PLURAL_PEOPLE = new Set(["children", "people", "men", "women", "grandchildren", "folks"])

/**
 * A plural noun phrase with the names of its members in commas ("The twins, Ali and Hassan,
 * live …", "My sons, Ali and Hassan, …"): the names, each holder of the role when the phrase is
 * a possessed role; `null` otherwise.
 */
const pluralApposition = (ctx: Ctx, toks: ReadonlyArray<Tok>, first: NP, limit: number): NPList | null => {
  const k = first.end
  const head = toks[k - 1]
  if (toks[k]?.text !== "," || head === undefined || head.pos !== "NOUN" || first.members.length !== 1 ||
    !(/[^s]s$/.test(head.lower) || PLURAL_PEOPLE.has(head.lower))) return null
  const names: Array<{ name: string; end: number }> = []
  let j = k + 1
  let sawAnd = false
  for (;;) {
    const from = j
    while (j < limit && toks[j]?.pos === "PROPN") j++
    if (j === from) return null
    names.push({ name: slice(ctx, toks, from, j), end: j })
    if (sawAnd) break
    if (toks[j]?.text === ",") j++
    if (LIST_CONJ.has(toks[j]?.lower ?? "")) {
      sawAnd = true
      j++
    } else if (toks[j - 1]?.text !== ",") return null
  }
  const after = toks[j]
  if (names.length < 2 || (after !== undefined && after.text !== "," && !(after.pos === "PUNCT" && j === toks.length - 1))) return null
  const possessed = first.possessed
  const roleWord = possessed !== null && first.possessors !== null && Lexicon.isRoleNoun(possessed)
    ? Lexicon.singularRole(possessed.toLowerCase().split(/\s+/).pop() ?? "")
    : null
  const nps = names.map((n) => plainNP(n.name, n.end, {
    kind: "person",
    gender: (roleWord !== null ? Lexicon.kinGender(roleWord) : null) ?? Lexicon.nameGender(n.name),
    notes: first.notes,
    sides: roleWord !== null && first.possessors !== null ? roleSides(n.name, roleWord, first.possessors, first.notes) : []
  }))
  return { nps, end: after?.text === "," ? j + 1 : j, truncated: false, disjunctive: false }
}

/**
 * A list of noun phrases "A", "A and B", "A, B and C". In object position a phrase followed by a
 * verb starts a new clause, so the list stops before its conjunction.
 */
const parseNPList = (ctx: Ctx, toks: ReadonlyArray<Tok>, i: number, role: "subject" | "object", limit = toks.length): NPList | null => {
  const first = parseNP(ctx, toks, i, limit)
  if (first === null) return null
  const named = role === "subject" ? pluralApposition(ctx, toks, first, limit) : null
  if (named !== null) return named
  const nps: Array<NP> = [first]
  let k = first.end
  const provisional = ctx.local.length
  const see = (np: NP): void => {
    if (np.kind === "person" && np.members.length === 1) ctx.local.push({ mention: mentionOfLabel(np.text, "person", np.gender), at: np.end })
  }
  see(first)
  let commaOnly = false
  let disjunctive = false
  for (;;) {
    let j = k
    const sawComma = toks[j]?.text === ","
    if (sawComma) j++
    const conj = toks[j]?.lower ?? ""
    const sawConj = LIST_CONJ.has(conj) || DISJ.has(conj)
    if (sawConj) j++
    if (!sawComma && !sawConj) break
    // "… and work at Renault": a verb, not a noun, after the conjunction ("and olives." is a noun).
    if (role === "object" && sawConj && verbish(toks, j) && toks[j + 1] !== undefined && toks[j + 1]!.pos !== "PUNCT") break
    const next = parseNP(ctx, toks, j, limit)
    if (next === null || (role === "object" && (startsVerbGroup(toks, next.end) || (next.end > j + 1 && verbish(toks, next.end))))) break
    if (DISJ.has(conj)) disjunctive = true
    see(next)
    nps.push(next)
    k = next.end
    commaOnly = !sawConj
    if (sawConj) break
  }
  // The list's own mentions are registered when it is committed.
  ctx.local.length = provisional
  return commaOnly
    ? { nps: [first], end: k, truncated: true, disjunctive }
    : { nps, end: k, truncated: false, disjunctive }
}

/**
 * Record a committed noun-phrase list: its side facts and its mentions (a group too). `verb`: the
 * lemma (or the copula's adjective) an object's `prep` follows.
 */
const commit = (ctx: Ctx, nps: ReadonlyArray<NP>, role: "subject" | "object" | "predicate", prep: string | null, verb: string | null = null): void => {
  const speaker = speakerOf(ctx)
  for (const np of nps) {
    // The target of "the principal of St. Joseph's School" is mentioned too.
    const target = np.roleOf?.target
    if (target !== undefined && target.members.length === 1) {
      ctx.local.push({ mention: { label: target.text, kind: target.kind, gender: target.gender, members: target.members }, at: target.end })
    }
    // "… is Swiss", "… is a lawyer": a predicate names nobody new ("Tom is Ola's husband" does).
    if (role === "predicate" && np.sides.length === 0 && !(np.kind === "person" && np.possessors === null && !np.indefinite && !np.bare && !Lexicon.looksLikeDemonym(np.text))) continue
    for (const s of np.sides) {
      ctx.sides.set(`${s.subject}\u0000${s.relation}\u0000${s.object}`, s)
      noteSibling(ctx, s)
      // The other end of "his wife Sue" (he) is mentioned too.
      if (s.object !== speaker && s.relation.endsWith(" of")) ctx.local.push({ mention: mentionOfLabel(s.object, "person", knownGender(ctx, s.object)), at: np.end - 1 })
      ctx.local.push({ mention: mentionOfLabel(s.subject, "person", np.gender), at: np.end })
    }
    if (np.members.length > 1) {
      ctx.local.push({ mention: { label: np.text, kind: "group", gender: null, members: np.members }, at: np.end })
      continue
    }
    // A name after a place preposition is a place ("moved to Oslo"), unless the verb takes a person
    // there ("ran into Ola"); a name of an organisation ("Acme Labs") is not a he or a she.
    const placed = role === "object" && prep !== null && PLACE_PREPS.has(prep) && !(np.kind === "person" && verb !== null && PERSON_PREPS[verb] === prep)
    const kind: MentionKind = placed || (np.kind === "person" && np.possessors === null && np.sides.length === 0 && Lexicon.looksLikeOrganisationName(np.text)) ? "thing" : np.kind
    if (kind === "person" && !np.bare && !np.indefinite && np.possessors === null && /^\p{Lu}\p{Ll}+s$/u.test(np.text)) {
      // "The Okafors", "the Smiths": a family, whom a later "they" / "their" may mean.
      ctx.local.push({ mention: { label: np.text, kind: "group", gender: null, members: np.members }, at: np.end })
    }
    // The possessor of "Gita's score" is a person mentioned too (of the gender known for them: "her brother's house").
    if (np.possessors !== null && np.possessors.length === 1) {
      const owner = np.possessors[0]!
      if (owner !== speaker) ctx.local.push({ mention: mentionOfLabel(owner, "person", knownGender(ctx, owner)), at: np.end - 1 })
    }
    ctx.local.push({
      mention: { label: np.text, kind, gender: kind === "person" ? np.gender : null, members: np.members, object: role === "object" && prep === null },
      at: np.end,
      pronoun: np.pronoun,
      subject: role === "subject"
    })
  }
  const labels = nps.flatMap((n) => n.members)
  if (role === "subject" && labels.length > 1) {
    ctx.local.push({ mention: { label: labels.join(" and "), kind: "group", gender: null, members: labels }, at: nps[nps.length - 1]!.end })
    if (speaker !== null && labels.includes(speaker)) ctx.state.groups.set(ctx.given, labels)
  }
}

/** A stated sibling of the speaker ("my sister Ola") joins "our" for parent words. */
const noteSibling = (ctx: Ctx, d: Draft): void => {
  const speaker = speakerOf(ctx)
  if (speaker === null || d.object !== speaker || d.negated || !Lexicon.isSiblingKin(d.relation.replace(/ of$/, ""))) return
  const list = ctx.state.siblings.get(ctx.given) ?? []
  if (!list.includes(d.subject)) list.push(d.subject)
  ctx.state.siblings.set(ctx.given, list)
}

/** The gender of a person's label: as mentioned before in the sentence or the discourse, else by the name. */
const knownGender = (ctx: Ctx, label: string): Lexicon.Gender | null => {
  for (let j = ctx.local.length - 1; j >= 0; j--) {
    const m = ctx.local[j]!.mention
    if (m.label === label && m.kind === "person" && m.gender !== null) return m.gender
  }
  const before = ctx.state.mentions.findLast((m) => m.label === label && m.kind === "person" && m.gender !== null)
  return before?.gender ?? Lexicon.nameGender(label)
}

const mentionOfLabel = (label: string, kind: MentionKind, gender: Lexicon.Gender | null): Mention =>
  ({ label, kind, gender, members: [label] })

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/** A time phrase at `i`: its end and the interval it states (nulls when it names none). */
const parseTime = (ctx: Ctx, toks: ReadonlyArray<Tok>, i: number): { end: number; span: DateSpan } | null => {
  const t = toks[i]
  if (t === undefined) return null
  const d = ctx.tokDate[i] ?? -1
  if (d >= 0) {
    let k = i
    while ((ctx.tokDate[k] ?? -1) === d) k++
    return { end: k, span: ctx.dates[d]! }
  }
  // A date wink sees and chrono does not ("the weekend", "for two years"): skipped, no instant.
  let k = i
  if ((t.pos === "ADP" || t.pos === "SCONJ") && isWinkDate(toks[i + 1])) k = i + 1
  else if (!isWinkDate(t) || !(t.ent === "DATE" || t.ent === "TIME")) return null
  const id = toks[k]!.entId
  while (toks[k] !== undefined && toks[k]!.entId === id && (ctx.tokDate[k] ?? -1) < 0) k++
  return { end: k, span: { from: null, until: null } }
}

// ---------------------------------------------------------------------------------------------
// Clauses
// ---------------------------------------------------------------------------------------------

interface VerbGroup {
  /** Index of the main verb, or of the last auxiliary when there is none. */
  readonly head: number
  readonly kind: "verb" | "copula" | "aux"
  readonly negated: boolean
  readonly passive: boolean
  readonly modal: boolean
  /** "no longer", "now" … in the group. */
  readonly change: boolean
  /** The main verb was a mistagged noun/adjective. */
  readonly repaired: boolean
  /** Index of the first token after the group. */
  readonly next: number
}

const parseVerbGroup = (toks: ReadonlyArray<Tok>, i: number): VerbGroup | null => {
  let k = i
  let negated = false
  let modal = false
  let change = false
  let quantified = false
  const auxes: Array<number> = []
  for (;;) {
    const t = toks[k]
    if (t === undefined) break
    if (isNegator(t)) negated = true
    else if (t.lower === "used" && toks[k + 1]?.lower === "to" && toks[k + 2] !== undefined && (toks[k + 2]!.pos === "VERB" || toks[k + 2]!.pos === "AUX" || verbish(toks, k + 2))) {
      // "I used to live in Detroit", "She used to be a nurse": a past state that no longer holds.
      negated = true
      change = true
      k++
    } else if (t.lower === "no" && toks[k + 1]?.lower === "longer") {
      negated = true
      change = true
      k++
    } else if (t.pos === "AUX") {
      if (isModal(t)) modal = true
      auxes.push(k)
    } else if ((t.pos === "ADV" && !WH.has(t.lower) && auxes.length + k - i < 6) || QUANTIFIER_ADVERBS.has(t.lower)) {
      if (CHANGE_ADVERBS.has(t.lower)) change = true
      if (QUANTIFIER_ADVERBS.has(t.lower)) quantified = true
    } else break
    k++
  }
  const t = toks[k]
  if (t !== undefined && t.pos === "VERB") {
    const beAux = auxes.some((a) => isBe(toks[a]!))
    const passive = beAux && !t.lower.endsWith("ing")
    return { head: k, kind: "verb", negated, passive, modal, change, repaired: false, next: k + 1 }
  }
  // After "we both" / "they all" the next word is the verb, whatever its tag.
  const afterQuantifier = quantified && (t?.pos === "NOUN" || t?.pos === "ADJ") && /^[a-z]+$/.test(t.text)
  if (t !== undefined && auxes.length === 0 && (verbish(toks, k) || afterQuantifier)) {
    return { head: k, kind: "verb", negated, passive: false, modal, change, repaired: true, next: k + 1 }
  }
  const last = auxes[auxes.length - 1]
  if (last === undefined) return null
  const kind = isBe(toks[last]!) ? "copula" : "aux"
  return { head: last, kind, negated, passive: false, modal, change, repaired: false, next: k }
}

/** Relation words → lowercase words separated by single spaces. */
const SIMPLE_WORDS = /^[a-z]+(?: [a-z]+)*$/

const toRelation = (words: ReadonlyArray<string>): string =>
  words.every((w) => SIMPLE_WORDS.test(w)) ? words.join(" ") : words
    .flatMap((r) => r.toLowerCase().split(/[^\p{L}\p{N}'-]+/u))
    .map((r) => r.replace(/'/g, ""))
    .filter((r) => r.length > 0)
    .join(" ")

const remember = (ctx: Ctx, relation: string, subject: string, object: string): void => {
  const lemma = relation.split(" ")[0] ?? ""
  const map = /^(work|works|worked|working|join|joined|joins)$/.test(lemma) ? ctx.state.workplaces :
    /^(live|lives|lived|living|move|moved|moves|relocated)$/.test(lemma) ? ctx.state.homes : null
  if (map === null) return
  const set = map.get(subject) ?? new Set<string>()
  set.add(object)
  map.set(subject, set)
  if (map === ctx.state.workplaces) ctx.state.employers.add(object)
}

const uniq = (xs: ReadonlyArray<string>): ReadonlyArray<string> => (xs.length < 2 ? xs : [...new Set(xs)])

/**
 * Reads one clause starting at `i` (with `shared` subjects when it continues a previous clause)
 * and any clauses coordinated after it.
 */
const parseClause = (
  ctx: Ctx,
  toks: ReadonlyArray<Tok>,
  i: number,
  shared: ReadonlyArray<NP> | null,
  sentenceDate: DateSpan
): ReadonlyArray<Draft> => {
  let subjects: ReadonlyArray<NP>
  let k: number
  let partial = false
  let group: VerbGroup | null
  /** "Someone moved the lamp to the bedroom": an agent nobody is named for; only the place is read. */
  let unnamedAgent = false
  if (shared !== null) {
    subjects = shared
    k = i
    group = parseVerbGroup(toks, k)
  } else {
    const list = parseNPList(ctx, toks, i, "subject")
    if (list === null && UNNAMED_AGENTS.has(toks[i]?.lower ?? "")) {
      const g = parseVerbGroup(toks, i + 1)
      if (g === null || g.kind !== "verb" || g.passive || !Lexicon.PLACING_VERBS.has(toks[g.head]!.lemma)) return []
      subjects = [plainNP(toks[i]!.lower, i + 1)]
      k = i + 1
      group = g
      unnamedAgent = true
    } else {
      if (list === null || list.disjunctive) return []
      subjects = list.nps
      k = list.end
      group = parseVerbGroup(toks, k)
      if (list.truncated) partial = true
      // Repair: the tagger read the verb as part of the subject ("Alice lives in", "Alice married Bob").
      if (group === null && list.nps.length === 1) {
        for (let v = i + 1; v < list.end; v++) {
          const prev = toks[v - 1]!
          if (!verbish(toks, v) || !(prev.pos === "PROPN" || prev.pos === "NOUN")) continue
          const np = parseNP(ctx, toks, i, v)
          if (np === null || np.end !== v) continue
          subjects = [np]
          k = v
          group = { head: v, kind: "verb", negated: false, passive: false, modal: false, change: false, repaired: true, next: v + 1 }
          break
        }
      }
      ctx.npEnds.set(k, subjects)
      commit(ctx, subjects, "subject", null)
    }
  }
  if (group === null) return []
  if (group.repaired) partial = true
  // "… is called Lily", "… is named Lily": a copula naming the subject.
  if (group.passive && (toks[group.head]!.lower === "called" || toks[group.head]!.lower === "named") && toks[group.next]?.pos === "PROPN") {
    group = { ...group, kind: "copula", passive: false }
  }
  /** "Lena was named CEO of Globex", "Omar was appointed the coach of the Tigers": a role begins. */
  let appointed = false
  const afterGroup = toks[group.next]
  if (group.passive && Lexicon.APPOINTING_VERBS.has(toks[group.head]!.lemma) && afterGroup !== undefined && afterGroup.pos !== "ADP" && afterGroup.lower !== "to" && afterGroup.lower !== "as") {
    group = { ...group, kind: "copula", passive: false }
    appointed = true
  } else if (group.kind === "copula" && toks[group.head]!.lower === "named") appointed = true
  const head = toks[group.head]!
  const lemma = group.repaired ? verbLemma(head.lower) : head.lemma
  // "I've got two kids, Layla and Sami", "She's got a brother, Tom": possession, as "have".
  const hasGot = head.lower === "got" && ["'ve", "have", "has", "'s", "'d", "had"].includes(toks[group.head - 1]?.lower ?? "")
  const surface = ctx.options.relationForm === "surface"
  const relation: Array<string> = []
  let objects: ReadonlyArray<NP> = []
  let agentIsSubject = true
  let copulaNP = false
  let negated = group.negated
  let change = group.change || Lexicon.CHANGE_VERBS.has(lemma)
  let becomes = group.kind === "verb" && lemma === "become"
  /** "stopped working at", "quit": the relation is a job (or the -ing verb), negated. */
  let ends = false
  /** The object was "there", already resolved. */
  let there = false
  k = group.next
  let span: DateSpan = { from: null, until: null }
  const takeTimes = (): void => {
    for (;;) {
      const time = parseTime(ctx, toks, k)
      if (time === null) return
      span = { from: span.from ?? time.span.from, until: span.until ?? time.span.until }
      k = time.end
    }
  }
  const skipAdverbs = (): void => {
    while (toks[k] !== undefined && toks[k]!.pos === "ADV" && !WH.has(toks[k]!.lower)) {
      if (CHANGE_ADVERBS.has(toks[k]!.lower)) change = true
      k++
    }
  }

  if (group.kind === "verb" && !becomes) {
    if (ASPECTUAL.has(lemma) && (toks[k]?.pos === "VERB" || toks[k]?.pos === "NOUN") && /^[a-z]+ing$/.test(toks[k]!.text) && toks[k + 1] !== undefined && toks[k + 1]!.pos !== "PUNCT") {
      // "started dating Min-jun", "began working at Acme": the relation is the -ing verb's.
      relation.push(surface ? Relation.thirdPerson(toks[k]!.lemma) : toks[k]!.lemma)
      if (lemma === "start" || lemma === "begin") change = true
      k++
    } else if ((lemma === "stop" || lemma === "quit") && toks[k]?.pos === "VERB" && toks[k]!.lower.endsWith("ing")) {
      // "stopped working at X" → works at X, negated.
      relation.push(surface ? Relation.thirdPerson(toks[k]!.lemma) : toks[k]!.lemma)
      negated = true
      change = true
      ends = true
      k++
    } else if (lemma === "quit" || lemma === "resign" || lemma === "retire") {
      relation.push(surface ? "works" : "work", "at")
      negated = true
      change = true
      ends = true
      if (toks[k]?.lower === "from") k++
    } else if (lemma === "move" && (toks[k]?.lower === "out" || toks[k]?.lower === "away") && (toks[k + 1]?.lower === "of" || toks[k + 1]?.lower === "from")) {
      // "moved out of London" → lives in London, negated.
      relation.push(surface ? "lives" : "live", "in")
      negated = true
      change = true
      ends = true
      k += 2
    } else {
      relation.push(group.repaired ? (surface ? head.lower : lemma) : group.passive ? head.lower : surface ? head.lower : head.lemma)
      while (toks[k]?.lower === "to" && toks[k + 1]?.pos === "VERB") {
        relation.push("to", surface ? toks[k + 1]!.lower : toks[k + 1]!.lemma)
        k += 2
      }
      // A phrasal verb's particle before its preposition: "grew up in".
      const particle = toks[k]
      if (particle !== undefined && PARTICLES.has(particle.lower) && toks[k + 1]?.pos === "ADP" && toks[k + 1]!.lower !== "of") {
        relation.push(particle.lower)
        k++
      }
    }
  } else if (group.kind === "aux") {
    relation.push(surface ? head.lower : head.lemma)
  }
  if (becomes) change = true
  const copular = group.kind === "copula" || becomes
  skipAdverbs()
  takeTimes()
  skipAdverbs()
  // "is allergic to", "is married to": the copula, an adjective and its preposition.
  let adjective: string | null = null
  if (copular && (toks[k]?.pos === "ADJ" || toks[k]?.pos === "VERB") && toks[k + 1]?.pos === "ADP" && toks[k + 1]!.lower !== "of") {
    adjective = toks[k]!.lower
    k++
  }
  // "She has worked there since 2009": "there" is the place last named.
  if (toks[k]?.lower === "there" && group.kind === "verb" && PLACE_PREP_OF[lemma] !== undefined) {
    const place = resolvePronoun(ctx, "it", k)
    if (place !== null && place.kind === "thing") {
      relation.push(PLACE_PREP_OF[lemma]!)
      objects = [plainNP(place.label, k + 1, { notes: [noteOf("there", [place.label])], pronoun: true })]
      k++
      there = true
    }
  }
  const prep = toks[k]
  let prepWord: string | null = null
  /** The rest of the sentence after a clause that could not be read: a coordinated clause, if any. */
  const continueAfter = (from: number): ReadonlyArray<Draft> => {
    for (let j = from; j < toks.length - 1; j++) {
      if (!CLAUSE_CONJ.has(toks[j]!.lower)) continue
      if (startsVerbGroup(toks, j + 1) || verbish(toks, j + 1)) return parseClause(ctx, toks, j + 1, subjects, sentenceDate)
      return parseClause(ctx, toks, j + 1, null, sentenceDate)
    }
    return []
  }
  /** "Lucy and Ed married in 2015", "Priyanka and Dev got married": the couple, married to each other. */
  const couple = (weds: boolean, relation = "married to"): ReadonlyArray<Draft> => {
    const members = subjects.flatMap((x) => x.members)
    if (!weds || members.length !== 2 || group.modal || negated) return []
    // The clause's first date phrase ("got engaged in Paris in 2015").
    let d = k
    while (d < toks.length && (ctx.tokDate[d] ?? -1) < 0 && !CLAUSE_CONJ.has(toks[d]!.lower)) d++
    const when = span.from ?? (d < toks.length ? ctx.dates[ctx.tokDate[d] ?? -1]?.from : undefined) ?? sentenceDate.from
    return [draft(members[1]!, relation, members[0]!, { resolved: uniq(subjects.flatMap((x) => x.notes)), change: true, validFrom: when })]
  }
  if ((lemma === "get" || copular) && (toks[k]?.lower === "married" || toks[k]?.lower === "engaged") && toks[k + 1]?.lower !== "to") {
    const relation = `${toks[k]!.lower} to`
    k++
    takeTimes()
    return [...couple(true, relation), ...continueAfter(k)]
  }
  if (!there && prep !== undefined && prep.pos === "ADP" && prep.lower !== "of" && !(ends && relation.length === 2)) {
    const list = parseNPList(ctx, toks, k + 1, "object")
    if (list === null || list.disjunctive) return continueAfter(k + 1)
    if (copular) relation.push("is")
    if (adjective !== null) relation.push(adjective)
    if (group.passive && prep.lower === "by") {
      agentIsSubject = false
      relation[0] = surface ? head.lower : head.lemma
    } else relation.push(prep.lower)
    prepWord = prep.lower
    objects = list.nps
    if (list.truncated) partial = true
    k = list.end
  } else if (!there) {
    if (group.passive) return []
    const list = parseNPList(ctx, toks, k, "object")
    if (list === null || list.disjunctive) return [...couple(lemma === "marry" || lemma === "wed"), ...continueAfter(k)]
    objects = list.nps
    if (list.truncated && NEW_VALUE_VERBS.has(lemma) && list.nps[0]!.indefinite) k = list.nps[0]!.end // "a new CEO, Dana": read below
    else {
      if (list.truncated) partial = true
      k = list.end
    }
    if (copular) copulaNP = true
  }
  ctx.npEnds.set(k, objects)
  commit(ctx, objects, copular && prepWord === null ? "predicate" : "object", prepWord, adjective ?? lemma)

  // Special complements: "to Y" after a transfer, "as R of Z" after replace, "at X" after quit my job.
  let recipient: NP | null = null
  let asRole: NP | null = null
  /** "Acme has a new CEO, Dana Reyes", "Ana has a new number: 555-0100": the value of the new thing. */
  let valueOf: NP | null = null
  /** "Lina changed her number to 555-9876": the new value of a possessed attribute. */
  let changedTo: NP | null = null
  const o0 = objects.length === 1 ? objects[0]! : null
  if (o0 !== null && o0.indefinite && prepWord === null && (toks[k]?.text === "," || toks[k]?.text === ":") && NEW_VALUE_VERBS.has(lemma)) {
    const v = parseNP(ctx, toks, k + 1)
    if (v !== null && (v.end >= toks.length || toks[v.end]!.pos === "PUNCT" || (ctx.tokDate[v.end] ?? -1) >= 0)) {
      valueOf = v
      commit(ctx, [v], "object", null)
      k = v.end
    }
  } else if (o0 !== null && toks[k]?.lower === "to" && CHANGE_TO_VERBS.has(lemma) && o0.possessors !== null && o0.possessed !== null && !Lexicon.isRoleNoun(o0.possessed)) {
    const v = parseNP(ctx, toks, k + 1)
    if (v !== null) {
      changedTo = v
      k = v.end
    }
  } else if (toks[k]?.lower === "to" && Lexicon.TRANSFER_VERBS.has(lemma) && group.kind === "verb") {
    const r = parseNP(ctx, toks, k + 1)
    if (r !== null) {
      recipient = r
      commit(ctx, [r], "object", null)
      k = r.end
    }
  } else if (toks[k]?.lower === "as" && Lexicon.SUCCESSION_VERBS.has(lemma) && (lemma !== "take" || relation.includes("over"))) {
    const r = parseNP(ctx, toks, k + 1)
    if (r !== null) {
      asRole = r
      k = r.end
    }
  } else if (objects.length === 1 && JOB_NOUNS.test(objects[0]!.text) && ["at", "with", "in", "for"].includes(toks[k]?.lower ?? "") && (ends || JOB_VERBS.has(lemma) || lemma === "leave")) {
    // "quit his job at IBM", "got a new job at Petrobras", "left her job at the bank": the workplace.
    const r = parseNP(ctx, toks, k + 1)
    if (r !== null) {
      if (lemma === "leave" && !ends) {
        relation.length = 0
        relation.push(surface ? "works" : "work", "at")
        negated = true
        change = true
        ends = true
      } else if (!ends) {
        relation.length = 0
        relation.push(surface ? "works" : "work", "at")
        change = true
        ends = true
      }
      objects = [r]
      commit(ctx, [r], "object", "at")
      k = r.end
    }
  } else if (objects.length === 1 && toks[k]?.lower === "in" && group.kind !== "copula" && !group.passive && agentIsSubject && !ends && (HOME_VERBS.has(lemma) || hasGot) &&
    head.lower !== "had" && HOME_NOUNS.test(objects[0]!.text.toLowerCase()) && !OTHER_HOMES.test(objects[0]!.text.toLowerCase()) &&
    objects[0]!.possessors === null && subjects.every((x) => x.kind === "person" || x.kind === "group")) {
    // "Ana has a flat in Porto", "We rent a house in Leeds", "Tom got a new apartment in Oslo": where they live.
    const r = parseNP(ctx, toks, k + 1)
    // The place is a name ("in Porto"), a definite place ("in the old town") or someone's home
    // ("in her brother's house"); not "a place in my heart".
    const where = r === null ? null : r.possessors !== null ? (HOME_NOUNS.test(r.possessed ?? "") ? r : null) : /^\p{Lu}/u.test(r.text) || toks[k + 1]?.lower === "the" ? r : null
    if (where !== null && !where.indefinite && where.pronoun === false && where.members.length === 1) {
      relation.length = 0
      relation.push(surface ? "lives" : "live", "in")
      change = change || objects[0]!.fresh || ((lemma === "get" || lemma === "find") && !hasGot)
      objects = [where]
      commit(ctx, [where], "object", "in")
      k = where.end
    }
  }

  // Trailer: times, adverbs, ignored prepositional phrases; a conjunction starts a new clause.
  const rest: Array<Draft> = []
  let trailerPP: { readonly prep: string; readonly nps: ReadonlyArray<NP> } | null = null
  /** The first trailing phrase was not read as part of the relation (placing verbs read it). */
  let trailerIgnored = false
  /** "lives in Porto, not Lisbon", "works at Initech rather than Hooli": the objects ruled out. */
  let contrast: ReadonlyArray<NP> = []
  for (;;) {
    takeTimes()
    const t = toks[k]
    if (t === undefined) break
    if (t.pos === "ADV" && !WH.has(t.lower) && t.lower !== "not" && t.lower !== "rather" && t.lower !== "instead") {
      if (CHANGE_ADVERBS.has(t.lower)) change = true
      k++
      continue
    }
    if ((t.lower === "any" && toks[k + 1]?.lower === "more") || (t.lower === "these" && toks[k + 1]?.lower === "days")) {
      change = true
      k += 2
      continue
    }
    const negatorAt = t.text === "," ? k + 1 : k
    const nw = toks[negatorAt]?.lower
    const contrastWords = nw === "not" ? 1 : (nw === "rather" && toks[negatorAt + 1]?.lower === "than") || (nw === "instead" && toks[negatorAt + 1]?.lower === "of") ? 2 : 0
    if (contrastWords > 0 && objects.length > 0 && contrast.length === 0 && (!copulaNP || objects.every((o) => o.roleOf === null && o.possessors === null))) {
      // "Ana lives in Porto, not (in) Lisbon": the same relation, negated, for the other object.
      let j = negatorAt + contrastWords
      if (prepWord !== null && toks[j]?.lower === prepWord) j++
      const other = parseNPList(ctx, toks, j, "object")
      if (other !== null && !other.disjunctive) {
        contrast = other.nps
        k = other.end
        continue
      }
    }
    if (t.text === "," && (toks[k + 1] === undefined || parseTime(ctx, toks, k + 1) !== null)) {
      k++
      continue
    }
    if (t.text === ";" || t.text === ":" || t.text === "—" || t.text === "–") {
      // "Sara is not with Vodafone anymore; she works at Orange now": a clause of its own.
      rest.push(...parseClause(ctx, toks, k + 1, null, sentenceDate))
      break
    }
    const afterComma = t.text === "," ? k + 1 : k
    const conj = toks[afterComma]
    if (t.text === "," && conj !== undefined && !CLAUSE_CONJ.has(conj.lower) && (startsVerbGroup(toks, afterComma) || verbish(toks, afterComma))) {
      // "was born in Porto, grew up in Lisbon and now lives in London": a list of predicates.
      rest.push(...parseClause(ctx, toks, afterComma, subjects, sentenceDate))
      break
    }
    if (conj !== undefined && CLAUSE_CONJ.has(conj.lower)) {
      const next = afterComma + 1
      if (startsVerbGroup(toks, next) || verbish(toks, next)) {
        rest.push(...parseClause(ctx, toks, next, subjects, sentenceDate))
      } else rest.push(...parseClause(ctx, toks, next, null, sentenceDate))
      break
    }
    if (t.pos === "ADP" && t.lower !== "of") {
      const pp = parseNPList(ctx, toks, k + 1, "object")
      if (pp !== null) {
        ctx.npEnds.set(pp.end, pp.nps)
        if (trailerPP === null) {
          trailerPP = { prep: t.lower, nps: pp.nps }
          commit(ctx, pp.nps, "object", t.lower)
          trailerIgnored = true
        } else partial = true
        k = pp.end
        continue
      }
    }
    if (t.pos === "VERB" || t.pos === "AUX") return rest // a complement clause: not a plain fact
    if (t.pos === "PUNCT" && k === toks.length - 1) break
    partial = true
    break
  }
  if (group.modal) return rest

  if (contrast.length > 0) change = true
  const base = {
    confidence: partial || trailerIgnored ? CONFIDENCE_PARTIAL : CONFIDENCE_CLEAN,
    validFrom: span.from ?? (span.until === null ? sentenceDate.from : null),
    validUntil: span.until ?? (span.from === null ? sentenceDate.until : null)
  }
  // A fact that starts after the turn was said ("is moving to Singapore next month") is a plan.
  if (ctx.time !== null && base.validFrom !== null && base.validFrom > ctx.time + DAY_MS) return rest
  const own: Array<Draft> = []
  const emit = (subject: string, rel: string, object: string, notes: ReadonlyArray<string>, pronoun: boolean, extra: Partial<Draft> = {}): void => {
    if (subject.trim().length === 0 || object.trim().length === 0 || rel.length === 0 || subject === object) return
    own.push(draft(subject, rel, object, {
      ...base, negated, change, resolved: uniq(notes),
      confidence: Math.round(Math.max(0, base.confidence - (pronoun ? PRONOUN_PENALTY : 0)) * 100) / 100,
      ...extra
    }))
  }
  const relationKey = toRelation(relation)
  // A transfer happened ("sold", "has given"); "sells bread" is a trade, not a change of owner.
  const pastTense = head.lower !== head.lemma && !/(?:s|ing)$/.test(head.lower)
  // "I have two sisters, Wanjiku and Akinyi": the names after the role are the role's holders.
  const head0 = objects[0]
  if ((lemma === "have" || lemma === "has" || hasGot) && agentIsSubject && objects.length > 1 && head0 !== undefined && head0.kind === "person" &&
    Lexicon.isRoleNoun(head0.text) && objects.slice(1).every((o) => o.kind === "person" && o.possessors === null && o.roleOf === null)) {
    const words = head0.text.toLowerCase().split(/\s+/).filter((w) => !/^(?:two|three|four|five|six|seven|eight|nine|ten|\d+)$/.test(w))
    const roleWord = Lexicon.roleHead([...words.slice(0, -1), Lexicon.singularRole(words[words.length - 1] ?? "")].join(" "))
    for (const s of subjects) {
      for (const sm of s.members) {
        for (const o of objects.slice(1)) {
          for (const om of o.members) emit(om, `${roleWord} of`, sm, [...s.notes, ...o.notes], s.pronoun || o.pronoun)
        }
      }
    }
    for (const d of own) noteSibling(ctx, d)
    return [...own, ...rest]
  }
  // "I left the keys on the table", "Someone moved the lamp to the bedroom": the thing is where
  // it was put (the phrase after the object is the relation's, so it is not partial).
  const place = group.kind === "verb" && !group.passive && agentIsSubject && !negated && prepWord === null && trailerPP !== null &&
      recipient === null && valueOf === null && Lexicon.PLACING_VERBS.has(lemma)
    ? Lexicon.placePreposition(lemma, trailerPP.prep)
    : undefined
  const things = place === undefined ? [] : objects.filter((o) => placeable(ctx, o, subjects))
  if (place !== undefined && things.length > 0 && trailerPP !== null && trailerPP.nps.every((w) => isPlace(ctx, w, toks))) {
    for (const s of subjects) {
      for (const o of things) {
        for (const where of trailerPP.nps) {
          const pronoun = s.pronoun || o.pronoun || where.pronoun
          for (const om of o.members) {
            for (const wm of where.members) {
              emit(om, `is ${place}`, wm, [...s.notes, ...o.notes, ...where.notes], pronoun, {
                change: lemma !== "keep", confidence: scored(!partial, pronoun)
              })
            }
          }
        }
      }
    }
    return [...own, ...rest]
  }
  if (unnamedAgent) return rest
  // "The piano was moved to the hall", "The keys were left on the desk".
  const passivePlace = group.passive && prepWord !== null && prepWord !== "by" && Lexicon.PLACING_VERBS.has(lemma)
    ? Lexicon.placePreposition(lemma, prepWord)
    : undefined
  if (passivePlace !== undefined && subjects.every((x) => x.kind === "thing")) {
    for (const s of subjects) {
      for (const o of objects) {
        for (const sm of s.members) {
          for (const om of o.members) emit(sm, `is ${passivePlace}`, om, [...s.notes, ...o.notes], s.pronoun || o.pronoun, { change: lemma !== "keep" })
        }
      }
    }
    return [...own, ...rest]
  }
  for (const s of subjects) {
    for (const o of objects) {
      const notes = [...s.notes, ...o.notes]
      const pronoun = s.pronoun || o.pronoun
      const objChange = change || o.fresh
      for (const sm of s.members) {
        if (copulaNP) {
          if (appointed && o.roleOf !== null) {
            // "Lena was named CEO of Globex", "Omar was appointed the coach of the Tigers".
            for (const target of o.roleOf.targets) {
              emit(sm, `${Lexicon.roleHead(toRelation([o.roleOf.role]))} of`, target, [...notes, ...o.roleOf.notes], pronoun, { change: true })
            }
            continue
          }
          // "was made redundant", "was elected twice": only a role is read after an appointing verb.
          if (appointed && head.lower !== "named") continue
          if (s.roleOf !== null && Lexicon.isRoleNoun(s.roleOf.role) && o.kind === "person" && !o.indefinite && o.roleOf === null && o.possessors === null && subjects.length === 1) {
            // "The new CEO of Acme is Dana Ruiz" → (Dana Ruiz, ceo of, Acme).
            for (const target of s.roleOf.targets) {
              for (const om of o.members) {
                emit(om, `${Lexicon.roleHead(toRelation([s.roleOf.role]))} of`, target, [...notes, ...s.roleOf.notes], pronoun, { change: objChange || s.fresh, negated: negated || s.former })
              }
            }
            continue
          }
          if (s.possessors !== null && s.possessed !== null && !o.indefinite && subjects.length === 1) {
            // "X's R is Y": a role → (Y, R of, X); an attribute → (X, R, Y).
            for (const owner of s.possessors) {
              if (Lexicon.isRoleNoun(s.possessed) && o.kind === "person") {
                for (const om of o.members) emit(om, `${Lexicon.roleHead(s.possessed)} of`, owner, notes, pronoun, { change: objChange || s.fresh, negated: negated || s.former })
              } else if (Lexicon.isRoleNoun(s.possessed)) {
                // "My mum is 70": about the person, not naming them.
                emit(s.text, "is", o.text, notes, pronoun, { change: objChange })
              } else {
                emit(owner, toRelation([s.possessed]), o.text, notes, pronoun, { change: objChange || s.fresh, negated: negated || s.former })
              }
            }
          } else if (o.possessors !== null && o.possessed !== null && !o.indefinite && Lexicon.isRoleNoun(o.possessed)) {
            // "Y is my dentist" → (Y, dentist of, me).
            for (const owner of o.possessors) emit(sm, `${Lexicon.roleHead(o.possessed)} of`, owner, notes, pronoun, { change: objChange, negated: negated || o.former })
          } else if (o.possessors !== null && o.possessed !== null && !o.indefinite) {
            // "The Blue Anchor is my favourite pub" → (me, favourite pub, Blue Anchor).
            for (const owner of o.possessors) emit(owner, toRelation([o.possessed]), sm, notes, pronoun, { change: objChange })
          } else if (o.roleOf !== null) {
            // "Y is the CEO of Z" → (Y, ceo of, Z).
            for (const target of o.roleOf.targets) emit(sm, `${Lexicon.roleHead(toRelation([o.roleOf.role]))} of`, target, [...notes, ...o.roleOf.notes], pronoun, { change: objChange, negated: negated || o.former })
          } else if (o.bare && s.members.length + subjects.length > 2 && /[^s]s$/.test(o.text) && toks[o.end - 1]?.pos === "NOUN") {
            // "Julia and Tom are teachers" → each is a teacher.
            emit(sm, "is a", singular(o.text), notes, pronoun, { change: objChange })
          } else {
            emit(sm, o.indefinite ? "is a" : "is", o.text, notes, pronoun, { change: objChange })
            if (o.indefinite && trailerPP !== null && (trailerPP.prep === "at" || trailerPP.prep === "for")) {
              // "I'm a software engineer at Spotify": where the job is.
              const studies = /\b(?:student|pupil|undergraduate|postgraduate)$/.test(o.text)
              for (const place of trailerPP.nps) {
                for (const pm of place.members) emit(sm, studies ? "studies at" : "works at", pm, [...notes, ...place.notes], pronoun)
              }
            }
            if (o.indefinite && trailerPP !== null && trailerPP.prep === "from" && s.kind === "person" && trailerPP.nps.every((n) => /^\p{Lu}/u.test(n.text))) {
              // "I'm a graphic designer from Lyon", "Ravi is an engineer from Pune": where the person is from.
              for (const place of trailerPP.nps) {
                for (const pm of place.members) emit(sm, "is from", pm, [...notes, ...place.notes], pronoun)
              }
            }
          }
          continue
        }
        for (const om of o.members) {
          if (asRole !== null && asRole.roleOf !== null) {
            // "Y replaced X as captain of Z"
            for (const target of asRole.roleOf.targets) {
              const rel = `${toRelation([asRole.roleOf.role])} of`
              emit(sm, rel, target, [...notes, ...asRole.notes], pronoun, { change: true })
              emit(om, rel, target, [...notes, ...asRole.notes], pronoun, { change: true, negated: true })
            }
            continue
          }
          if (ends && relation.length === 2) {
            emit(sm, relationKey, om, notes, pronoun)
            continue
          }
          if (valueOf !== null) {
            // "Acme has a new CEO, Dana Reyes" → (Dana Reyes, ceo of, Acme); "Ana has a new number: 555-0100".
            const pronoun2 = pronoun || valueOf.pronoun
            if (Lexicon.isRoleNoun(o.text)) {
              if (valueOf.kind === "person") {
                for (const vm of valueOf.members) emit(vm, `${Lexicon.roleHead(toRelation([o.text]))} of`, sm, [...notes, ...valueOf.notes], pronoun2, { change: o.fresh })
              }
            } else emit(sm, toRelation([o.text]), valueOf.text, [...notes, ...valueOf.notes], pronoun2, { change: o.fresh })
            continue
          }
          if (changedTo !== null && o.possessors !== null && o.possessed !== null) {
            // "Lina changed her number to 555-9876" → (Lina, number, 555-9876).
            for (const owner of o.possessors) emit(owner, toRelation([o.possessed]), changedTo.text, [...notes, ...changedTo.notes], pronoun || changedTo.pronoun, { change: true })
            continue
          }
          if ((prepWord === "as" || (prepWord === "to" && lemma === "promote")) && o.roleOf !== null && agentIsSubject && Lexicon.isRoleNoun(o.roleOf.role) &&
            (Lexicon.ROLE_ENTRY_VERBS.has(lemma) || Lexicon.ROLE_HOLD_VERBS.has(lemma) || Lexicon.APPOINTING_VERBS.has(lemma))) {
            // "took over as coach of the Tigers", "was appointed as chair of X", "serves as treasurer of Y".
            for (const target of o.roleOf.targets) {
              emit(sm, `${Lexicon.roleHead(toRelation([o.roleOf.role]))} of`, target, [...notes, ...o.roleOf.notes], pronoun, { change: !Lexicon.ROLE_HOLD_VERBS.has(lemma) })
            }
            continue
          }
          if (group.kind === "verb" && agentIsSubject && !negated && prepWord === "to" && JOB_MOVES.has(lemma) && employerLike(ctx, sm, om, lemma)) {
            // "Tom switched to Globex" (an employer named before), "Ana moved to Cyberdyne Systems".
            emit(sm, surface ? "works at" : "work at", om, notes, pronoun, { change: true })
            continue
          }
          if (group.kind === "verb" && lemma === "leave" && recipient === null && prepWord === null && !negated) {
            // "left X": a job or a home, as the discourse or the name says.
            const works = ctx.state.workplaces.get(sm)?.has(om) === true
            const lives = ctx.state.homes.get(sm)?.has(om) === true
            const job = works || (!lives && Lexicon.looksLikeOrganisation(om))
            if (job) emit(sm, surface ? "works at" : "work at", om, notes, pronoun, { negated: true, change: true })
            else if (lives) emit(sm, surface ? "lives in" : "live in", om, notes, pronoun, { negated: true, change: true })
            else emit(sm, relationKey, om, notes, pronoun, { change: true })
            if ((job || lives) && trailerPP !== null && trailerPP.prep === "for") {
              // "left Umbrella for Acme", "left Oslo for Bergen": the next job or home.
              for (const next of trailerPP.nps) {
                const p2 = pronoun || next.pronoun
                for (const nm of next.members) {
                  emit(sm, job ? (surface ? "works at" : "work at") : surface ? "lives in" : "live in", nm, [...notes, ...next.notes], p2, { change: true, confidence: scored(!partial, p2) })
                }
              }
            }
            continue
          }
          if (o.apposedRole !== null && (lemma === "have" || lemma === "has" || hasGot) && agentIsSubject) {
            // "I have a sister, Ola" → (Ola, sister of, me); "I have a new boss, Tom" (a change).
            emit(om, `${toRelation([o.apposedRole])} of`, sm, notes, pronoun, { change: o.fresh })
            continue
          }
          if (group.kind === "verb" && !negated && recipient !== null && pastTense) {
            // A transfer: the receiver's ownership starts, the giver's ends.
            for (const rm of recipient.members) emit(om, "owned by", rm, [...notes, ...recipient.notes], pronoun || recipient.pronoun, { change: true })
            emit(om, "owned by", sm, notes, pronoun, { change: true, negated: true })
            continue
          }
          if (group.kind === "verb" && !negated && lemma === "sell" && prepWord === null && pastTense) {
            // "He sold his apartment": his ownership ends (to whom is not said).
            emit(om, "owned by", sm, notes, pronoun, { change: true, negated: true })
            continue
          }
          if (group.kind === "verb" && !negated && lemma === "divorce") {
            emit(om, "married to", sm, notes, pronoun, { change: true, negated: true })
            continue
          }
          if (group.kind === "copula" && (prepWord === "in" || prepWord === "at") && agentIsSubject && s.possessors !== null && s.possessed !== null &&
            WORKPLACE_NOUNS.test(s.possessed)) {
            // "His job is in Nairobi", "My office is at Canary Wharf": where the owner works.
            for (const owner of s.possessors) emit(owner, `works ${prepWord}`, om, notes, pronoun, { change: objChange || s.fresh, negated: negated || s.former })
            continue
          }
          if (s.possessors !== null && s.possessed !== null && !Lexicon.isRoleNoun(s.possessed) && (lemma === "change" || lemma === "switch") && prepWord === "to") {
            // "My phone number changed to 0777 …" → (me, phone number, 0777 …).
            for (const owner of s.possessors) emit(owner, toRelation([s.possessed]), om, notes, pronoun, { change: true })
            continue
          }
          const subject = agentIsSubject ? sm : om
          const object = agentIsSubject ? om : sm
          emit(subject, relationKey, object, notes, pronoun, { change: objChange })
          if (group.kind === "verb" && !negated && Lexicon.ACQUIRE_VERBS.has(lemma) && prepWord === null) {
            emit(om, "owned by", sm, notes, pronoun, { change: true })
            // "bought Tom's piano": Tom's ownership ends.
            for (const before of o.possessors ?? []) emit(om, "owned by", before, notes, pronoun, { change: true, negated: true })
          }
        }
      }
    }
  }
  if (group.kind === "verb" && agentIsSubject && !negated && prepWord === null && trailerPP !== null && trailerPP.prep === "at" &&
    AT_INSTITUTION_VERBS.has(lemma) && objects.length > 0 && place === undefined && trailerPP.nps.every((w) => !w.indefinite)) {
    // "I studied chemistry at McGill", "Ana teaches French at Lycée Molière": where, as well as
    // what ("at a language school" names no place to remember).
    const rel = `${surface ? head.lower : lemma} at`
    for (const s of subjects) {
      for (const sm of s.members) {
        for (const where of trailerPP.nps) {
          for (const pm of where.members) emit(sm, rel, pm, [...s.notes, ...where.notes], s.pronoun || where.pronoun)
        }
      }
    }
  }
  if (contrast.length > 0 && agentIsSubject && !negated) {
    // "Ana lives in Porto, not Lisbon" → (Ana, lives in, Lisbon) negated, by the relation just read.
    for (const s of subjects) {
      for (const sm of s.members) {
        const said = own.find((d) => d.subject === sm && !d.negated)
        if (said === undefined) continue
        for (const c of contrast) {
          for (const cm of c.members) emit(sm, said.relation, cm, [...s.notes, ...c.notes], s.pronoun || c.pronoun, { negated: true, change: true })
        }
      }
    }
  }
  for (const d of own) {
    if (!d.negated) remember(ctx, d.relation, d.subject, d.object)
    noteSibling(ctx, d)
  }
  return [...own, ...rest]
}

/** A confidence: clean or partial, less the pronoun penalty. */
const scored = (clean: boolean, pronoun: boolean): number =>
  Math.round(Math.max(0, (clean ? CONFIDENCE_CLEAN : CONFIDENCE_PARTIAL) - (pronoun ? PRONOUN_PENALTY : 0)) * 100) / 100

/** Objects that are put into things only in idioms ("put a lot of effort into", "put her faith in"). */
const ABSTRACT_OBJECTS = /^(?:(?:a )?(?:lot|lots|bit|deal) of .*|effort|time|energy|faith|trust|thought|work|pressure|emphasis|hope|heart|mind|attention|focus|stress|blame|end|stop|pause|hold)$/

/**
 * Whether the place after a placing verb is a place one puts things: a determined or named noun
 * phrase ("the table", "my bag", "Tom's car"), not a bare or indefinite state ("in tears", "in a
 * hurry") or a number.
 */
const isPlace = (ctx: Ctx, where: NP, toks: ReadonlyArray<Tok>): boolean => {
  // A name with no gender that the discourse has not met as a person may be a place
  // ("keeps it in Cascais", "parked the van in Brixton").
  const placeName = toks[where.end - 1]?.pos === "PROPN" && /^\p{Lu}/u.test(where.text) && where.gender === null &&
    where.possessors === null && where.members.length === 1 && !ctx.state.homes.has(where.text) && !ctx.state.workplaces.has(where.text)
  return (!where.bare || placeName) && !where.indefinite && !/^\d/.test(where.text) && (where.kind !== "person" || placeName) &&
    (toks[where.end - 1]?.pos !== "ADJ")
}

/** A possessed noun naming someone's work: its place is where they work. */
const WORKPLACE_NOUNS = /(?:^|\s)(?:job|office|workplace|internship|placement)$/

/** Verbs whose "at X" after an object is an institution of the subject ("studied law at Yale"). */
const AT_INSTITUTION_VERBS = new Set(["study", "teach", "research", "train", "coach", "lecture"])

/** Verbs after which "to X" names a new employer when X is one ("switched to Globex"). */
const JOB_MOVES = new Set(["switch", "move", "transfer"])

/**
 * Whether X in "S switched/moved to X" is an employer: a capitalised name with an organisation
 * word ("Cyberdyne Systems"), a label the discourse named as someone's workplace, or — after
 * "switched/transferred to", not "moved to" — any name when S's workplace was told and X is not
 * one of S's homes.
 */
const employerLike = (ctx: Ctx, subject: string, object: string, lemma: string): boolean => {
  if (ctx.state.homes.get(subject)?.has(object) === true) return false
  if (Lexicon.looksLikeOrganisationName(object) || ctx.state.employers.has(object)) return true
  return lemma !== "move" && /^\p{Lu}/u.test(object) && (ctx.state.workplaces.get(subject)?.size ?? 0) > 0
}

/**
 * Whether an object of a placing verb is a thing that can be put somewhere: not a person, not
 * a job, not the subject's workplace or home ("left Acme in 2019" is a job change).
 */
const placeable = (ctx: Ctx, o: NP, subjects: ReadonlyArray<NP>): boolean =>
  o.kind === "thing" && o.members.length === 1 && !JOB_NOUNS.test(o.text) && !Lexicon.looksLikeOrganisationName(o.text) &&
  !ABSTRACT_OBJECTS.test(o.text) &&
  !subjects.some((s) => s.members.some((m) => ctx.state.workplaces.get(m)?.has(o.text) === true || ctx.state.homes.get(m)?.has(o.text) === true))

interface RelativeClause {
  /** Index in the main token list where the clause was lifted out. */
  readonly anchor: number
  readonly toks: ReadonlyArray<Tok>
  /** Index of the clause's first token in the sentence. */
  readonly from: number
}

/** Lift ", who/which …," clauses out of a sentence. */
const liftRelatives = (toks: ReadonlyArray<Tok>): { main: ReadonlyArray<Tok>; mainIndex: ReadonlyArray<number>; relatives: ReadonlyArray<RelativeClause> } => {
  const main: Array<Tok> = []
  const mainIndex: Array<number> = []
  const relatives: Array<RelativeClause> = []
  let i = 0
  while (i < toks.length) {
    const t = toks[i]!
    const w = toks[i + 1]
    if (t.text === "," && w !== undefined && (w.lower === "who" || w.lower === "which")) {
      let c = i + 2
      while (c < toks.length && toks[c]!.text !== ",") c++
      let inner = toks.slice(i + 2, c)
      if (c === toks.length && inner.length > 0 && inner[inner.length - 1]!.pos === "PUNCT") inner = inner.slice(0, -1)
      relatives.push({ anchor: main.length, toks: inner, from: i + 2 })
      i = c === toks.length ? c : c + 1
      if (c === toks.length && toks[toks.length - 1]!.pos === "PUNCT") {
        main.push(toks[toks.length - 1]!)
        mainIndex.push(toks.length - 1)
      }
      continue
    }
    main.push(t)
    mainIndex.push(i)
    i++
  }
  return { main, mainIndex, relatives }
}

/** "My name is X" / "I am X" / "I'm X" with X a proper name: X, or null. */
const statedName = (ctx: Ctx, toks: ReadonlyArray<Tok>, start: number): string | null => {
  let k = start
  const a = toks[k]?.lower
  if (a === "my" && toks[k + 1]?.lower === "name" && toks[k + 2] !== undefined && isBe(toks[k + 2]!)) k += 3
  else if (a === "i" && toks[k + 1] !== undefined && isBe(toks[k + 1]!) && toks[k + 1]!.lower !== "was") k += 2
  else if (a === "call" && toks[k + 1]?.lower === "me") k += 2
  else return null
  const from = k
  while (toks[k]?.pos === "PROPN" && isNominal(ctx, toks, k)) k++
  if (k === from) return null
  const after = toks[k]
  if (after !== undefined && !(after.text === "," || after.lower === "and" || after.pos === "PUNCT")) return null
  const name = slice(ctx, toks, from, k)
  if (k - from === 1 && Lexicon.looksLikeDemonym(name)) return null
  return name
}

/**
 * Whether the preposition at `p` takes a person rather than a place: "with" ("had lunch with
 * Ola"), "according to", and a verb's person preposition ("ran into Ola", "talked to Sam").
 */
const personPrep = (toks: ReadonlyArray<Tok>, p: number): boolean => {
  const w = toks[p]?.lower
  const verb = toks[p - 1]
  if (w === "with") return true
  if (w === "to" && verb?.lower === "according") return true
  return verb !== undefined && w !== undefined && (PERSON_PREPS[verb.lemma] === w || PERSON_PREPS[verb.lower] === w)
}

/** Whether the name starting at `i` follows a preposition of place ("in Oslo", "at Acme"), not of a person. */
const afterPlacePrep = (toks: ReadonlyArray<Tok>, i: number): boolean =>
  i > 0 && toks[i - 1]!.pos === "ADP" && !personPrep(toks, i - 1)

/**
 * A question states nothing, but the people it names may be who a later "she" / "he" means
 * ("Have you met Rania?" — "Yes! She works at the Louvre."): each run of names not after a
 * preposition of place joins the discourse's mentions.
 */
const noteAskedNames = (state: State, toks: ReadonlyArray<Tok>): void => {
  const sentence = state.read.sentences++
  for (let i = 0; i < toks.length; i++) {
    if (toks[i]!.pos !== "PROPN" || !/^\p{Lu}/u.test(toks[i]!.text) || Lexicon.TITLES.has(toks[i]!.lower)) continue
    let j = i
    while (j < toks.length && toks[j]!.pos === "PROPN") j++
    if (!afterPlacePrep(toks, i)) {
      const label = toks.slice(i, j).map((t) => t.text).join(" ")
      const seen = state.mentions.findIndex((m) => m.label === label)
      if (seen >= 0) state.mentions.splice(seen, 1)
      state.mentions.push({ ...mentionOfLabel(label, "person", Lexicon.nameGender(label)), sentence })
    }
    i = j
  }
  if (state.mentions.length > MAX_MENTIONS) state.mentions.splice(0, state.mentions.length - MAX_MENTIONS)
}

/**
 * The names of a sentence that gave no triple ("Had lunch with Ola yesterday.", "Guess who I ran
 * into: Bruno!", "Acme is hiring, according to Sam") are mentioned all the same: a later "she" /
 * "he" may mean them. Each run of capitalised proper nouns not already a mention of the
 * sentence, not a date, title, acronym or nationality and not after a preposition of place joins
 * `ctx.local` where it ends in the main clause's numbering (an organisation's name as a thing, else
 * a person).
 * @complexity O(tokens · mentions of the sentence)
 */
const noteNames = (ctx: Ctx, toks: ReadonlyArray<Tok>, at: MainTokens): void => {
  let known: Array<string> | null = null
  /** Part of a mention already read ("Tea House" of "No. 9 Tea House"). */
  const read = (label: string): boolean => {
    known ??= ctx.local.flatMap((l) => [l.mention.label, ...l.mention.members]).map((l) => ` ${l} `)
    return known.some((l) => l.includes(` ${label} `))
  }
  let speaker: string | null | undefined
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!
    if (t.pos !== "PROPN" || !/^\p{Lu}/u.test(t.text) || Lexicon.TITLES.has(t.lower) || (ctx.tokDate[i] ?? -1) >= 0) continue
    let j = i
    while (j < toks.length && toks[j]!.pos === "PROPN" && /^\p{Lu}/u.test(toks[j]!.text) && (ctx.tokDate[j] ?? -1) < 0) j++
    const label = slice(ctx, toks, i, j)
    const from = i
    i = j - 1
    if (speaker === undefined) speaker = speakerOf(ctx)
    if (label === speaker || afterPlacePrep(toks, from) || read(label) || /^\p{Lu}{2,}$/u.test(label) || Lexicon.looksLikeDemonym(label)) continue
    known!.push(` ${label} `)
    const org = Lexicon.looksLikeOrganisationName(label)
    ctx.local.push({ mention: mentionOfLabel(label, org ? "thing" : "person", org ? null : Lexicon.nameGender(label)), at: mainAt(at, j - 1) })
  }
}

/**
 * "POSS R's name is NAME" ("My husband's name is Karl", "Ana's son's name is Leo") with R a kin
 * or role word: (NAME, R of, owner); `null` when the sentence is not of that form.
 */
const kinNamed = (ctx: Ctx, toks: ReadonlyArray<Tok>, start: number): { drafts: ReadonlyArray<Draft>; end: number } | null => {
  const mark = toks.findIndex((t, j) => j > start && j <= start + 4 && t.lower === "'s" && toks[j + 1]?.lower === "name")
  if (mark < 0 || toks[mark + 2] === undefined || !isBe(toks[mark + 2]!)) return null
  const from = mark + 3
  let k = from
  while (toks[k] !== undefined && (toks[k]!.pos === "PROPN" || /^\p{Lu}/u.test(toks[k]!.text))) k++
  if (k === from || (toks[k] !== undefined && toks[k]!.pos !== "PUNCT" && toks[k]!.lower !== "and")) return null
  const w = toks[start]!.lower
  let owners: { labels: ReadonlyArray<string>; notes: ReadonlyArray<string> } | null = null
  let roleFrom = start + 1
  if (POSSESSIVE_DETS.has(w)) owners = possessorsOf(ctx, w, start, toks[mark - 1]!.lower)
  else {
    const p = toks.findIndex((t, j) => j > start && j < mark && t.lower === "'s")
    if (p < 0 || toks.slice(start, p).some((t) => t.pos !== "PROPN")) return null
    owners = { labels: [slice(ctx, toks, start, p)], notes: [] }
    roleFrom = p + 1
  }
  if (owners === null || roleFrom >= mark) return null
  const role = toks.slice(roleFrom, mark).map((t) => t.lower).join(" ")
  if (!Lexicon.isRoleNoun(role)) return null
  const name = slice(ctx, toks, from, k)
  return { drafts: roleSides(name, role, owners.labels, owners.notes), end: k }
}

/**
 * The index after a correction lead at `start`, or -1: one or more short phrases each ended by a
 * comma, colon or dash ("Correction:", "Sorry, I got that wrong:", "No wait,", "To be clear,"),
 * each holding a correction word (a weak one such as "actually" or "wait" only in a phrase of at
 * most three words); or "I mean" / "I meant" / "Actually" right before the clause. The sentence's
 * length when the whole sentence is the announcement ("Sorry, my mistake.").
 */
const correctionLead = (toks: ReadonlyArray<Tok>, start: number): number => {
  const first = toks[start]?.lower
  if (first === undefined || !CORRECTION_FIRST.has(first)) return -1
  let k = start
  let found = false
  for (;;) {
    if (toks[k]?.lower === "i" && (toks[k + 1]?.lower === "mean" || toks[k + 1]?.lower === "meant")) {
      k += 2
      if (LEAD_BREAKS.has(toks[k]?.text ?? "")) k++
      found = true
      continue
    }
    let j = k
    while (j < toks.length && j - k <= 7 && !LEAD_BREAKS.has(toks[j]!.text)) j++
    if (j === k || j - k > 7) break
    let strong = false
    let weak = false
    for (let x = k; x < j; x++) {
      const w = toks[x]!.lower
      if (CORRECTION_STRONG.has(w)) strong = true
      else if (CORRECTION_WEAK.has(w)) weak = true
    }
    if (!strong && !(weak && j - k <= 3)) break
    found = true
    k = j + 1
    if (j >= toks.length) return toks.length
  }
  if (!found && first === "actually" && toks[start + 1]?.pos !== "PUNCT") return start + 1
  return found ? Math.min(k, toks.length) : -1
}

/** Whether most words of a sentence are in a script the English grammar cannot read. */
const foreign = (sentence: string, toks: ReadonlyArray<Tok>): boolean => {
  if (!NON_ASCII.test(sentence)) return false
  let words = 0
  let other = 0
  for (const t of toks) {
    if (t.pos === "PUNCT" || t.pos === "SYM" || t.pos === "NUM") continue
    words++
    if (NON_ASCII.test(t.text) && NON_LATIN.test(t.text)) other++
  }
  return other * 2 >= words && other > 0
}

/** Where the main clause's tokens are in a sentence: `index[m] + from` is main token m's sentence index. */
interface MainTokens {
  index: ReadonlyArray<number> | null
  from: number
}

/** The number of main-clause tokens before sentence token `i` (the main clause's numbering of `i + 1`). */
const mainAt = (at: MainTokens, i: number): number => {
  if (at.index === null) return i + 1
  let m = 0
  while (m < at.index.length && at.index[m]! + at.from <= i) m++
  return m
}

/**
 * The clauses of one sentence (`toks` without its closing punctuation), read in `ctx`: the drafts,
 * before the side facts are added. `at` is set to the main clause's tokens (their indices in the
 * clause tokens, which start at `toks[at.from]`) once relative clauses are lifted out.
 */
const readSentence = (ctx: Ctx, toks: ReadonlyArray<Tok>, at: MainTokens): Array<Draft> => {
  const base = ctx
  const tokDate = ctx.tokDate
  const drafts: Array<Draft> = []
  // A correction announced by the sentence before ("Sorry, I got that wrong.") holds for this one.
  let correction = base.state.pending.correction
  base.state.pending.correction = false
  // A leading correction ("Correction:", "Actually,", "No wait,", "I mean"): the clause after it
  // is read as usual and marked as a change.
  let start = correctionLead(toks, 0)
  if (start >= 0) {
    correction = true
    if (start >= toks.length) {
      base.state.pending.correction = true
      return []
    }
  } else start = 0
  /** A leading "these days", "nowadays", "lately", "now": the state told is a new one. */
  let changeLead = false
  // A leading time phrase or adverbial ("In 2021, …", "Yesterday …", "However, …").
  let sentenceDate: DateSpan = { from: null, until: null }
  const dateWithin = (from: number, to: number): void => {
    for (let j = from; j < to; j++) {
      const d = ctx.dates[tokDate[j] ?? -1]
      if (d !== undefined) sentenceDate = { from: sentenceDate.from ?? d.from, until: sentenceDate.until ?? d.until }
    }
  }
  for (;;) {
    const time = parseTime(ctx, toks, start)
    if (time !== null) {
      sentenceDate = { from: sentenceDate.from ?? time.span.from, until: sentenceDate.until ?? time.span.until }
      start = time.end
      if (toks[start]?.text === ",") start++
      continue
    }
    const first = toks[start]
    if (first === undefined) return []
    const w = first.lower
    if ((NOW_LEADS.has(w) && toks[start + 1]?.lower !== "that") || (w === "these" && toks[start + 1]?.lower === "days")) {
      // "These days, Ana's favourite band is Muse", "Nowadays Tom drives a Volvo".
      changeLead = true
      start += w === "these" ? 2 : 1
      if (toks[start]?.text === ",") start++
      continue
    }
    if ((w === "back" || (w === "way" && toks[start + 1]?.lower === "back")) && (tokDate[start + (w === "way" ? 2 : 1)] ?? -1) >= 0) {
      // "Back in 2016, …", "Way back in 2010 …": the date phrase after it dates the clause.
      start += w === "way" ? 2 : 1
      continue
    }
    const dash = toks.findIndex((t, j) => j > start && j <= start + 3 && (t.text === "—" || t.text === "–" || t.text === ":"))
    if (dash > start && toks[dash - 1]!.pos !== "PROPN" && toks.slice(start, dash).every((t) => t.pos !== "PUNCT" && !SUBJECT_PRONOUNS.has(t.lower)) &&
      toks[dash + 1] !== undefined && SUBJECT_START.has(toks[dash + 1]!.pos)) {
      // A short lead before a dash or colon: "Guess what — I got a job at L'Oréal", "Fun fact: my
      // dad is a pilot", "Big news — we moved to Oslo".
      start = dash + 1
      continue
    }
    if (CHAT_LEADS.has(w) && toks[start + 1] !== undefined && SUBJECT_START.has(toks[start + 1]!.pos) && toks[start + 1]!.text !== ",") {
      // Chat fillers and linking words with no comma: "btw I work for Maersk", "Oh, and I play
      // cricket", "lol my sister lives in Lima", "Also Tom works at Acme".
      start++
      continue
    }
    if (first.pos === "INTJ" || (OPENERS.has(first.lower) && toks[start + 1]?.text === ",")) {
      // "Hi, I'm Tomasz", "Oh cool, I live in Lima", "No, she lives in Cork now".
      const comma = toks.findIndex((t, j) => j > start && j <= start + 3 && t.text === ",")
      start = comma < 0 ? start + 1 : comma + 1
      continue
    }
    if (first.pos === "SCONJ" || (first.pos === "ADP" || first.pos === "ADV")) {
      const comma = toks.findIndex((t, j) => j > start && t.text === ",")
      if (comma < 0) {
        if (first.pos === "ADV" && !WH.has(first.lower)) {
          start++
          continue
        }
        // "After graduating I worked at …", "Before that I lived in …": the main clause starts
        // at the last subject pronoun followed by a verb.
        if (TEMPORAL_LEADS.has(first.lower)) {
          let j = toks.length - 2
          while (j > start + 1 && !(SUBJECT_PRONOUNS.has(toks[j]!.lower) && startsVerbGroup(toks, j + 1))) j--
          if (j > start + 1) {
            start = j
            continue
          }
        }
        return []
      }
      if (first.pos !== "SCONJ" && toks.slice(start, comma).some((t) => t.pos === "VERB" || t.pos === "AUX")) {
        // "Actually Ana lives in Porto, not Lisbon": an adverb alone, not a clause before the comma.
        if (first.pos === "ADV" && !WH.has(w) && !HEDGES.has(w)) {
          start++
          continue
        }
        return []
      }
      // "Around 2016, …", "As of now, …": a date or a change word inside the skipped phrase.
      if (first.pos !== "SCONJ") {
        dateWithin(start, comma)
        if (toks.slice(start, comma).some((t) => NOW_LEADS.has(t.lower))) changeLead = true
      }
      start = comma + 1
      continue
    }
    break
  }
  const first = toks[start]!
  const name = statedName(ctx, toks, start)
  if (name !== null) {
    const before = ctx.given === "" ? null : ctx.given
    if (before !== null && before !== name) {
      drafts.push(draft(before, "name", name, { resolved: [noteOf("I", [before])] }))
    }
    ctx.state.narrators.set(ctx.given, name)
  }
  const kinName = kinNamed(ctx, toks, start)
  if (kinName !== null) {
    // "My husband's name is Karl", "Ana's son's name is Leo": the name of a kin or role holder.
    drafts.push(...kinName.drafts)
    const d0 = kinName.drafts[0]
    if (d0 !== undefined) ctx.local.push({ mention: mentionOfLabel(d0.subject, "person", Lexicon.kinGender(d0.relation.replace(/ of$/, "").split(" ").pop() ?? "") ?? Lexicon.nameGender(d0.subject)), at: 0 })
  } else if (WH.has(first.lower) || (first.pos === "AUX" && first.lower !== "'m") || first.pos === "VERB") {
    // A question or an imperative ("Call me Bea" has named the narrator above).
    return drafts
  }
  // After "My sister's name is Ola", a clause joined by "and" or a comma is read on its own.
  const clauseFrom = kinName === null ? start : toks[kinName.end] !== undefined && (toks[kinName.end]!.lower === "and" || toks[kinName.end]!.text === ",") ? kinName.end + 1 : toks.length
  let clauseToks = toks.slice(clauseFrom)
  let clauseDates = tokDate.slice(clauseFrom)
  if (name !== null && first.lower === "i") {
    // "I'm Oksana, a translator from Kyiv": the name set the narrator; the rest is read as
    // "I'm a translator from Kyiv".
    let k = 2
    while (k < 7 && clauseToks[k] !== undefined && clauseToks[k]!.text !== ",") k++
    const det = clauseToks[k + 1]?.lower
    if (clauseToks[k]?.text === "," && (det === "a" || det === "an")) {
      clauseToks = [...clauseToks.slice(0, 2), ...clauseToks.slice(k + 1)]
      clauseDates = [...clauseDates.slice(0, 2), ...clauseDates.slice(k + 1)]
    }
  }
  const { main, mainIndex, relatives } = liftRelatives(clauseToks)
  // Token indices of the sentence in the main clause's numbering (mentions are ordered by it).
  at.index = mainIndex
  at.from = clauseFrom
  // The relative-clause lift renumbers tokens: date marks follow their tokens.
  const mainCtx: Ctx = { ...ctx, tokDate: mainIndex.map((j) => clauseDates[j] ?? -1) }
  const clauses = parseClause(mainCtx, main, 0, null, sentenceDate)
  drafts.push(...(correction || changeLead ? clauses.map((d) => ({ ...d, change: true })) : clauses))
  for (const rel of relatives) {
    const antecedent = mainCtx.npEnds.get(rel.anchor)
    if (antecedent === undefined || rel.toks.length === 0) continue
    const relCtx: Ctx = { ...ctx, npEnds: new Map(), tokDate: rel.toks.map((_, j) => clauseDates[rel.from + j] ?? -1) }
    drafts.push(...parseClause(relCtx, rel.toks, 0, antecedent, sentenceDate))
  }
  return drafts
}

/** All triples of one sentence; its mentions join the discourse. */
const parseSentence = (base: Omit<Ctx, "npEnds" | "tokDate" | "dates" | "local" | "sides">, sentence: Sentence): ReadonlyArray<Triple> => {
  let toks = sentence.toks
  const sentenceText = base.text.slice(sentence.start, sentence.end)
  if (foreign(sentenceText, toks)) return []
  if (toks.some((t) => t.text === "?")) {
    noteAskedNames(base.state, toks)
    return []
  }
  while (toks.length > 0 && toks[toks.length - 1]!.pos === "PUNCT" && /^[.!;:…"'”’)\]]+$/.test(toks[toks.length - 1]!.text)) {
    toks = toks.slice(0, -1)
  }
  while (toks.length > 0 && toks[0]!.pos === "PUNCT" && /^["'“‘(\[]+$/.test(toks[0]!.text)) toks = toks.slice(1)
  if (toks.length === 0) return []
  const found = findDates(sentenceText, base.time)
  const tokDate = found.length === 0 ? toks.map(() => -1) : toks.map((t) => {
    const at = t.start - sentence.start
    return found.findIndex((d) => at >= d.start && t.end - sentence.start <= d.end)
  })
  const ctx: Ctx = { ...base, npEnds: new Map(), tokDate, dates: found, local: [], sides: new Map() }
  const span = { start: sentence.start, end: sentence.end }
  const at: MainTokens = { index: null, from: 0 }
  const drafts = readSentence(ctx, toks, at)
  if (drafts.length === 0) noteNames(ctx, toks, at)
  // Mentions of the sentence join the discourse, in text order; two or three people named in
  // one sentence ("Greg … his wife Sue …") are who a later "they" may mean.
  const mentions = ctx.state.mentions
  const sentenceNo = ctx.state.read.sentences++
  const ordered = [...ctx.local].sort((a, b) => a.at - b.at).map((l): Mention => {
    const m = l.mention
    return m.kind !== "person" ? m : { label: m.label, kind: m.kind, gender: m.gender, members: m.members, object: m.object === true, sentence: sentenceNo, subject: l.subject === true }
  })
  const speaker = speakerOf(ctx)
  const people = [...new Set(ordered.filter((m) => m.kind === "person" && m.label !== speaker && !m.label.includes("'s ")).map((m) => m.label))]
  if (people.length >= 2 && people.length <= 3 && !ordered.some((m) => m.kind === "group")) {
    ordered.unshift({ label: people.join(" and "), kind: "group", gender: null, members: people })
  }
  for (const mention of ordered) {
    const seen = mentions.findIndex((m) => m.label === mention.label && m.kind === mention.kind)
    if (seen >= 0) mentions.splice(seen, 1)
    mentions.push(mention)
  }
  if (mentions.length > MAX_MENTIONS) mentions.splice(0, mentions.length - MAX_MENTIONS)
  const sides = [...ctx.sides.values()]
  const keys = new Set(drafts.map((d) => `${d.subject}\u0000${d.relation}\u0000${d.object}`))
  return [...sides.filter((s) => !keys.has(`${s.subject}\u0000${s.relation}\u0000${s.object}`)), ...drafts].map((d) => ({ ...d, span }))
}

// ---------------------------------------------------------------------------------------------
// Constructors
// ---------------------------------------------------------------------------------------------

const finite = (x: number | null | undefined): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null)

/**
 * A rule extractor with the given options (missing fields take {@link defaultOptions}).
 * The wink model loads on the first `extract` (≈ 0.2 s, once per process).
 *
 * Laws: `make(o).extract(t, c)` deep-equals itself on every call (determinism);
 * `make(o).extract(t, c)` equals `make(o).discourse().read(t, c)`.
 * @complexity O(1); see {@link RuleExtractor.extract}
 * @example
 * ```ts
 * RuleExtractor.make().extract("Bob works at Acme.")
 * // [{ subject: "Bob", relation: "works at", object: "Acme", negated: false, validFrom: null,
 * //    validUntil: null, confidence: 0.8, change: false, resolved: [], span: { start: 0, end: 18 } }]
 * const talk = RuleExtractor.make().discourse()
 * talk.read("My sister Ola lives in Gdansk.", { speaker: "Kim" })
 * talk.read("She works at Amber.", { speaker: "Kim" }) // (Ola, works at, Amber), resolved ["she=Ola"]
 * ```
 * @since 0.1.0
 */
export const make = (options: Partial<Options> = {}): RuleExtractor => {
  const full: Options = { ...defaultOptions, ...options }
  const discourse = (): Discourse => {
    const state = newState()
    return {
      read: (text, context = {}) => {
        if (text.trim().length === 0) return []
        const given = context.speaker ?? full.speaker ?? ""
        const base = { text, options: full, state, given, time: finite(context.time) }
        return readSentences(text).flatMap((s) => parseSentence(base, s))
      }
    }
  }
  return {
    options: full,
    extract: (text, context) => discourse().read(text, context),
    discourse
  }
}

/**
 * Load the wink model now (instead of on the first extraction), e.g. while a layer is built.
 * @complexity ≈ 0.2 s the first time, O(1) after
 * @since 0.1.0
 */
export const warmUp = (): void => {
  nlp()
}
