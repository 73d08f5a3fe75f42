import { afterEach, describe, expect, it, vi } from "vitest";
import { copyText } from "../src/lib/clipboard";

afterEach(() => vi.restoreAllMocks());

function withClipboard(clipboard: unknown) {
  Object.defineProperty(window.navigator, "clipboard", { value: clipboard, configurable: true });
}

describe("copyText", () => {
  it("uses navigator.clipboard when it works", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    withClipboard({ writeText });
    const exec = vi.fn(() => true);
    document.execCommand = exec;
    expect(await copyText("<script src=x></script>")).toBe(true);
    expect(writeText).toHaveBeenCalledWith("<script src=x></script>");
    expect(exec).not.toHaveBeenCalled();
  });

  it("falls back to select + execCommand when the clipboard API refuses", async () => {
    withClipboard({ writeText: vi.fn().mockRejectedValue(new Error("denied")) });
    let selected = "";
    document.execCommand = vi.fn((cmd: string) => {
      const el = document.activeElement as HTMLTextAreaElement;
      selected = el.value.slice(el.selectionStart, el.selectionEnd);
      return cmd === "copy";
    });
    expect(await copyText("snippet")).toBe(true);
    expect(selected).toBe("snippet");
    expect(document.querySelectorAll("textarea").length).toBe(0); // cleaned up
  });

  it("falls back when there is no clipboard API, and reports failure", async () => {
    withClipboard(undefined);
    document.execCommand = vi.fn(() => false);
    expect(await copyText("snippet")).toBe(false);
    document.execCommand = vi.fn(() => {
      throw new Error("not supported");
    });
    expect(await copyText("snippet")).toBe(false);
  });
});
