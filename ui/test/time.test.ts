import { describe, expect, it } from "vitest";
import { clockTime, exactTime, fileSize, relativeTime } from "../src/lib/time";

const now = new Date("2026-11-25T14:00:00Z"); // 15:00 in Berlin, 23:00 in Tokyo

describe("relativeTime", () => {
  it.each([
    ["2026-11-25T13:59:40Z", "Europe/Berlin", "just now"],
    ["2026-11-25T14:00:30Z", "Europe/Berlin", "just now"], // clock skew into the future
    ["2026-11-25T13:57:00Z", "Europe/Berlin", "3 min ago"],
    ["2026-11-25T13:00:59Z", "Europe/Berlin", "59 min ago"],
    ["2026-11-25T11:00:00Z", "Europe/Berlin", "3 h ago"],
    ["2026-11-24T12:00:00Z", "Europe/Berlin", "yesterday"],
    ["2026-11-22T12:00:00Z", "Europe/Berlin", "Sun"],
    ["2026-11-12T12:00:00Z", "Europe/Berlin", "12 Nov"],
    ["2025-03-02T12:00:00Z", "Europe/Berlin", "2 Mar 2025"],
  ])("%s in %s → %s", (iso, tz, want) => {
    expect(relativeTime(iso, now, tz)).toBe(want);
  });

  it("counts days in the owner's zone, not the machine's", () => {
    // 14:30 UTC the day before: in Tokyo that is 23:30 on the 24th → yesterday (23.5 h ago);
    // 16:00 UTC on the 24th is 01:00 on the 25th in Tokyo → still today.
    expect(relativeTime("2026-11-24T16:00:00Z", now, "Asia/Tokyo")).toBe("22 h ago");
    expect(relativeTime("2026-11-24T14:30:00Z", now, "Asia/Tokyo")).toBe("yesterday");
    // Shortly after midnight, a mail from late yesterday evening is still counted in hours.
    const justAfterMidnight = new Date("2026-11-24T23:10:00Z"); // 00:10 in Berlin
    expect(relativeTime("2026-11-24T21:00:00Z", justAfterMidnight, "Europe/Berlin")).toBe("2 h ago");
  });

  it("survives bad input", () => {
    expect(relativeTime("not a date", now, "Europe/Berlin")).toBe("");
    expect(relativeTime("2026-11-25T13:57:00Z", now, "Not/AZone")).toBe("3 min ago");
  });
});

describe("exactTime", () => {
  it("shows the time in the owner's zone and names it", () => {
    expect(exactTime("2026-11-25T14:05:00Z", "Europe/Berlin")).toBe("Wed 25 Nov 2026, 15:05 (Europe/Berlin)");
    expect(exactTime("2026-11-25T14:05:00Z", "Asia/Tokyo")).toBe("Wed 25 Nov 2026, 23:05 (Asia/Tokyo)");
  });
});

describe("fileSize", () => {
  it.each([
    [512, "512 B"],
    [482113, "471 KB"],
    [5 * 1024 * 1024, "5.0 MB"],
  ])("%d → %s", (n, want) => expect(fileSize(n)).toBe(want));
});

describe("clockTime", () => {
  it("is the hour in the owner's zone, with the weekday when not today", () => {
    expect(clockTime("2026-11-25T13:05:00Z", now, "Europe/Berlin")).toBe("14:05");
    expect(clockTime("2026-11-25T16:05:00Z", now, "Asia/Tokyo")).toBe("Thu 01:05");
    expect(clockTime("nonsense", now, "UTC")).toBe("");
  });
});
