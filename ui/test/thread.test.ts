import { describe, expect, it } from "vitest";
import type { ThreadEntry } from "../src/bindings";
import { detail, failedMail, row } from "./fixtures";
import { addTag, bounceHeadline, bounceNotices, canExpand, displayName, emailOf, entryBody, expanderLabel, initials, insertAtCursor, removeTag } from "../src/lib/thread";

const entry = (o: Partial<ThreadEntry>): ThreadEntry => ({
  id: 1, direction: "in", from: null, to: null, subject: null, text: "Thanks!", body: "Thanks!", html: null, state: null,
  at: "2026-11-25T14:00:00Z", attachments: [], ...o,
});

describe("quoted history", () => {
  it("has nothing to expand when the body is the text", () => {
    expect(canExpand(entry({ body: "Thanks!\r\n" }))).toBe(false);
  });
  it("collapsed shows the new words, expanded the whole body", () => {
    const e = entry({ body: "Thanks!\n\nOn Mon, Maria wrote:\n> Hi" });
    expect(canExpand(e)).toBe(true);
    expect(entryBody(e, false)).toEqual({ kind: "text", text: "Thanks!" });
    expect(entryBody(e, true)).toEqual({ kind: "text", text: "Thanks!\n\nOn Mon, Maria wrote:\n> Hi" });
    expect(expanderLabel(e, false)).toBe("Show quoted text");
    expect(expanderLabel(e, true)).toBe("Hide full message");
  });
  it("expanded shows the sanitised HTML when there is one", () => {
    const e = entry({ html: "<p>Thanks!</p>" });
    expect(canExpand(e)).toBe(true);
    expect(entryBody(e, true)).toEqual({ kind: "html", html: "<p>Thanks!</p>" });
    expect(expanderLabel(e, false)).toBe("Show original email");
  });
  it("falls back to the body when no new words were found", () => {
    expect(entryBody(entry({ text: " ", body: "only quoted" }), false)).toEqual({ kind: "text", text: "only quoted" });
  });
});

describe("names", () => {
  it.each([
    ['"Ada Lovelace" <ada@example.com>', "Ada Lovelace"],
    ["Ada Lovelace <ada@example.com>", "Ada Lovelace"],
    ["ada@example.com", "ada@example.com"],
    ["<ada@example.com>", "<ada@example.com>"],
  ])("%s → %s", (from, want) => expect(displayName(from, "x")).toBe(want));
  it("falls back, extracts the address, makes initials", () => {
    expect(displayName(null, "Visitor")).toBe("Visitor");
    expect(emailOf("Ada <ada@example.com>")).toBe("ada@example.com");
    expect(initials("Hannah Keller")).toBe("HK");
    expect(initials("Lucía María Fernández")).toBe("LF");
    expect(initials("j.doe@example.com")).toBe("J");
    expect(initials("")).toBe("?");
  });
});

describe("tags", () => {
  it("adds normalised tags once and removes them", () => {
    expect(addTag(["order"], " #Damaged Goods ")).toEqual(["order", "damaged-goods"]);
    const same = ["order"];
    expect(addTag(same, "Order")).toBe(same);
    expect(addTag(same, "  ")).toBe(same);
    expect(removeTag(["a", "b"], "a")).toEqual(["b"]);
  });
});

describe("canned reply insertion", () => {
  it("replaces the selection and puts the caret after the insert", () => {
    expect(insertAtCursor("Hi Tom,\n\nBest", 9, 9, "We ship in 2 days.")).toEqual({ text: "Hi Tom,\n\nWe ship in 2 days.Best", caret: 27 });
    expect(insertAtCursor("Hello XX!", 6, 8, "Tom")).toEqual({ text: "Hello Tom!", caret: 9 });
  });
  it("adds a space after a word and clamps odd positions", () => {
    expect(insertAtCursor("Thanks", 6, 6, "See you")).toEqual({ text: "Thanks See you", caret: 14 });
    expect(insertAtCursor("", 5, 9, "Hi")).toEqual({ text: "Hi", caret: 2 });
  });
});

describe("bounceNotices", () => {
  const d = detail(row("T-1", { visitorEmail: "ana@example.com" }), ["q", "a1", "a2"]);
  d.messages[1] = { ...d.messages[1]!, direction: "out", to: "Ana <ANA@example.com>", state: "failed" };
  d.messages[2] = { ...d.messages[2]!, direction: "out", to: null, state: "failed" };
  d.failedMail = [
    failedMail(9, { kind: "notification", to: "maria@gmail.com" }),
    failedMail(8, { kind: "confirmation", bounced: true }),
    failedMail(7),
  ];

  it("pairs each failed reply with its outbox row; the confirmation too, not the owner's notice", () => {
    const n = bounceNotices(d);
    expect(n.map((x) => [x.kind, x.to, x.mailId])).toEqual([
      ["reply", "ANA@example.com", 7],
      ["reply", "ana@example.com", null],
      ["confirmation", "ana@example.com", 8],
    ]);
    expect(n[0]!.reason).toBe("550 5.1.1 user unknown");
    expect(n[1]!.reason).toBeNull();
    expect(bounceHeadline(n[2]!)).toBe("The confirmation to ana@example.com did not arrive");
  });

  it("is empty when nothing failed", () => {
    expect(bounceNotices(detail(row("T-2")))).toEqual([]);
  });
});
