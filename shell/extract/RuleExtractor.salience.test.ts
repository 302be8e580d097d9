/**
 * Tests of who a pronoun means in a discourse (salience), and of homes told through the dwelling:
 * - a name in a sentence that gives no triple ("Had dinner with Ines last night.", "Guess who I
 *   bumped into — Tobiah!", a question, "according to X") is still mentioned;
 * - a person after a verb's person preposition ("ran into Ola", "talked to Sam", "is married
 *   to Tom") is a person, not a place; an organisation's name is not a he or a she;
 * - a person of the same sentence wins over one named earlier ("Okonkwo no longer works at
 *   Shell; he joined BP"), the subject of a clause first; an object pronoun is not its own
 *   clause's subject; the people of the last sentence that named anyone win over older ones;
 * - "X has / rents / shares a flat (house, apartment, place …) in Y" is where X lives ("got" /
 *   "found" / "a new flat": a move); a holiday home, a past "had", "a place in my heart" are not.
 */
import { describe, expect, it } from "vitest"
import * as RuleExtractor from "./RuleExtractor.ts"
import { rows } from "./testing.ts"

const rules = RuleExtractor.make()
const MAY_2_2024 = Date.UTC(2024, 4, 2, 18, 0)

/** Reads the turns in one discourse (speaker Kim); the rows of each turn. */
const talk = (turns: ReadonlyArray<string>) => {
  const d = rules.discourse()
  return turns.map((text) => d.read(text, { speaker: "Kim", time: MAY_2_2024 }))
}
const last = (turns: ReadonlyArray<string>) => talk(turns).at(-1)!
const notes = (turns: ReadonlyArray<string>) => last(turns).map((t) => t.resolved ?? [])

describe("names mentioned in sentences that give no triple", () => {
  it("a subjectless chat sentence: 'Had dinner with Ifeoluwa last night.' — 'She just joined Deloitte.'", () => {
    const turns = ["My uncle Raj lives in Delhi.", "Had dinner with Ifeoluwa last night.", "She just joined Deloitte."]
    expect(talk(turns)[1]).toStrictEqual([])
    expect(rows(last(turns))).toStrictEqual([["Ifeoluwa", "joined", "Deloitte", "change"]])
  })

  it("a 'guess who' lead: the name after the dash is who 'he' means, not the uncle named before", () => {
    const turns = ["My uncle Raj lives in Delhi.", "Guess who I bumped into at the airport — Tobiah!", "He lives in Denver now."]
    expect(rows(last(turns))).toStrictEqual([["Tobiah", "lives in", "Denver", "change"]])
    expect(notes(turns)).toStrictEqual([["he=Tobiah"]])
  })

  it("'Saw Marisol at the bakery this morning.' then 'She moved to Lisbon last month.'", () => {
    const out = last(["Saw Marisol at the bakery this morning.", "She moved to Lisbon last month."])
    expect(out.map((t) => [t.subject, t.relation, t.object])).toStrictEqual([["Marisol", "moved to", "Lisbon"]])
  })

  it("a question names who a later 'she' means, after 'talk to' too", () => {
    expect(rows(last(["Did you talk to Rania yesterday?", "She works at the Louvre."]))).toStrictEqual([["Rania", "works at", "Louvre"]])
  })

  it("'according to X' names a person; the organisation before it is not a he", () => {
    const turns = ["My brother Piotr is a chef.", "Initech Systems is hiring again, according to Bartosz.", "He lives in Gdynia."]
    expect(rows(last(turns))).toStrictEqual([["Bartosz", "lives in", "Gdynia"]])
    expect(rows(last(["Initech Systems is hiring again.", "He lives in Gdynia."]))).toStrictEqual([])
  })

  it("a place after a place preposition is not a he ('spent the weekend in Brixham')", () => {
    const out = last(["Tobiah spent the weekend in Brixham.", "He says the food was great.", "He works at Acme Labs."])
    expect(rows(out)).toStrictEqual([["Tobiah", "works at", "Acme Labs"]])
  })
})

describe("a person after a verb's person preposition", () => {
  it("'I ran into Dagny at the station.' — 'She lives in Bergen now.'", () => {
    const turns = ["My sister Ola lives in Gdansk.", "I ran into Dagny at the station today.", "She lives in Bergen now."]
    expect(rows(last(turns))).toStrictEqual([["Dagny", "lives in", "Bergen", "change"]])
  })

  it("'We talked to Ishaan for an hour.' — 'He works at Infosys.'", () => {
    const turns = ["My cousin Vikram lives in Pune.", "I talked to Ishaan for an hour.", "He works at Infosys."]
    expect(notes(turns)).toStrictEqual([["he=Ishaan"]])
  })

  it("'Mara is married to Quillon.' — 'He teaches at Oakridge School.'", () => {
    const turns = ["My dad Colm is retired.", "Mara is married to Quillon.", "He teaches at Oakridge School."]
    expect(rows(last(turns))).toStrictEqual([["Quillon", "teaches at", "Oakridge School"]])
  })

  it("'moved to Valencia' is still a place: 'she' is the mover, not the town", () => {
    const out = last(["Ines moved to Valencia in March.", "She works at a hospital there."])
    expect(out.map((t) => t.resolved?.[0])).toStrictEqual(["she=Ines"])
  })
})

describe("the same sentence, then the last sentence, before older mentions", () => {
  it("a later clause's 'he' is the subject of the clause before it ('; he joined BP')", () => {
    const turns = ["My brother Dev lives in Pune.", "Okonkwo no longer works at Shell; he joined BP in May."]
    expect(rows(last(turns))).toStrictEqual([
      ["Okonkwo", "works at", "Shell", "negated", "change"],
      ["Okonkwo", "joined", "BP", "change", "from 2024-05-01"]
    ])
    expect(last(turns)[1]!.resolved).toStrictEqual(["he=Okonkwo"])
  })

  it("'Brannock no longer lives in Teshby; he moved to Dunmere.'", () => {
    const out = last(["My husband Tom is a pilot.", "Brannock no longer lives in Teshby; he moved to Dunmere."])
    expect(rows(out)).toStrictEqual([["Brannock", "lives in", "Teshby", "negated", "change"], ["Brannock", "moved to", "Dunmere", "change"]])
  })

  it("'his' in the subject's clause is the subject's ('Rafferty and his wife Noor')", () => {
    const out = last(["My brother Dev is a nurse.", "Rafferty lives in Galway with his wife Noor."])
    expect(rows(out)).toContainEqual(["Noor", "wife of", "Rafferty"])
  })

  it("an agreeing gender in the sentence beats an unknown one ('Ashby met Ana and she …')", () => {
    const out = last(["Ashby met Ana at the market and she gave him a lift."])
    expect(out.map((t) => t.resolved).flat()).toContain("she=Ana")
  })

  it("an object pronoun is not its own clause's subject ('Sam met Brannock and thanked him')", () => {
    const out = last(["Sam met Brannock and thanked him."])
    expect(rows(out)).toStrictEqual([["Sam", "met", "Brannock"], ["Sam", "thanked", "Brannock"]])
  })

  it("the people of the last sentence that named anyone, before a matching gender named earlier", () => {
    const turns = ["My uncle Raj lives in Delhi.", "I had coffee with Teodor yesterday.", "The cafe was packed.", "He moved to Prague."]
    expect(notes(turns)).toStrictEqual([["he=Teodor"]])
  })

  it("with no one compatible in the last sentence, the gender window decides as before", () => {
    const turns = ["My uncle Raj lives in Delhi.", "I had coffee with Ana yesterday.", "He moved to Prague."]
    expect(notes(turns)).toStrictEqual([["he=Raj"]])
  })
})

describe("homes told through the dwelling", () => {
  it("X has / rents / shares a flat, house, apartment, place in Y → (X, lives in, Y)", () => {
    expect(rows(rules.extract("Yusuf has a flat in Rotterdam."))).toStrictEqual([["Yusuf", "lives in", "Rotterdam"]])
    expect(rows(rules.extract("We rent a small house in Leeds.", { speaker: "Kim" }))).toStrictEqual([["Kim", "lives in", "Leeds"]])
    expect(rows(rules.extract("Tom and Lisa share an apartment in Brooklyn."))).toStrictEqual([["Tom", "lives in", "Brooklyn"], ["Lisa", "lives in", "Brooklyn"]])
    expect(rows(rules.extract("My sister has a place in the old town.", { speaker: "Kim" }))).toStrictEqual([
      ["Kim's sister", "lives in", "old town"]
    ])
  })

  it("got / found / a new flat in Y is a move", () => {
    expect(rows(rules.extract("Kemi got a new apartment in Accra."))).toStrictEqual([["Kemi", "lives in", "Accra", "change"]])
    expect(rows(rules.extract("Jonas found a flat in Malmö last month.", { time: MAY_2_2024 }))).toStrictEqual([
      ["Jonas", "lives in", "Malmö", "change", "from 2024-04-02"]
    ])
  })

  it("not a home one lives in: a holiday home, a past 'had', a place in someone's heart", () => {
    for (const text of ["Ana has a holiday home in Spain.", "Piet had a flat in Rome.", "Ana has a place in my heart.", "Lars has a second house in Oslo."]) {
      expect(rules.extract(text, { speaker: "Kim" }).filter((t) => t.relation === "lives in")).toStrictEqual([])
    }
  })
})
