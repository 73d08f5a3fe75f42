import { describe, expect, it } from "vitest";
import { isTyping, keepCursor, keyAction, moveCursor } from "../src/lib/keys";

describe("keyAction", () => {
  it.each([
    ["j", { type: "move", delta: 1 }],
    ["k", { type: "move", delta: -1 }],
    ["Enter", { type: "open" }],
    ["r", { type: "reply" }],
    ["n", { type: "note" }],
    ["e", { type: "close-ticket" }],
    ["/", { type: "search" }],
    ["f", { type: "filter" }],
    ["?", { type: "help" }],
    ["Escape", { type: "escape" }],
    ["x", null],
  ])("%s", (key, want) => expect(keyAction({ key }, false)).toEqual(want));

  it("leaves keys to fields while typing, except Esc", () => {
    expect(keyAction({ key: "j" }, true)).toBeNull();
    expect(keyAction({ key: "e" }, true)).toBeNull();
    expect(keyAction({ key: "Escape" }, true)).toEqual({ type: "escape" });
  });

  it("ignores chords (Ctrl+R reloads, not replies)", () => {
    expect(keyAction({ key: "r", ctrlKey: true }, false)).toBeNull();
    expect(keyAction({ key: "k", metaKey: true }, false)).toBeNull();
  });
});

describe("isTyping", () => {
  it("knows text fields from buttons and checkboxes", () => {
    const input = document.createElement("input");
    const box = document.createElement("input");
    box.type = "checkbox";
    expect(isTyping(input)).toBe(true);
    expect(isTyping(document.createElement("textarea"))).toBe(true);
    expect(isTyping(document.createElement("select"))).toBe(true);
    expect(isTyping(box)).toBe(false);
    expect(isTyping(document.createElement("button"))).toBe(false);
    expect(isTyping(document.body)).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});

describe("moveCursor", () => {
  const ids = ["a", "b", "c"];
  it("starts at the top going down and at the bottom going up", () => {
    expect(moveCursor(ids, null, 1)).toBe("a");
    expect(moveCursor(ids, null, -1)).toBe("c");
  });
  it("moves and stops at the ends", () => {
    expect(moveCursor(ids, "a", 1)).toBe("b");
    expect(moveCursor(ids, "c", 1)).toBe("c");
    expect(moveCursor(ids, "a", -1)).toBe("a");
  });
  it("handles an empty list and a cursor that left the list", () => {
    expect(moveCursor([], "a", 1)).toBeNull();
    expect(moveCursor(ids, "zz", 1)).toBe("a");
  });
});

describe("keepCursor", () => {
  it("stays on the same ticket when it is still listed", () => {
    expect(keepCursor(["a", "b", "c"], ["x", "a", "b", "c"], "b")).toBe("b");
  });
  it("moves to the next row when the ticket left the view (closed with e)", () => {
    expect(keepCursor(["a", "b", "c"], ["a", "c"], "b")).toBe("c");
    expect(keepCursor(["a", "b", "c"], ["a", "b"], "c")).toBe("b");
  });
  it("has no cursor on an empty list", () => {
    expect(keepCursor(["a"], [], "a")).toBeNull();
    expect(keepCursor(["a"], ["a"], null)).toBeNull();
  });
});
