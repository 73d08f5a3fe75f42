import { describe, expect, it } from "vitest";
import { addFiles, bytesToBase64, decodedSize, MAX_ATTACHMENT_BYTES, toOutgoingFile } from "../src/lib/files";

describe("composer attachments", () => {
  it("encodes bytes as standard base64", () => {
    expect(bytesToBase64(new Uint8Array([]))).toBe("");
    expect(bytesToBase64(new TextEncoder().encode("Deskbell"))).toBe("RGVza2JlbGw=");
    expect(bytesToBase64(new Uint8Array([0, 255, 128, 10]))).toBe("AP+ACg==");
  });

  it("encodes large files (no call-stack overflow) and round-trips", () => {
    const big = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const b64 = bytesToBase64(big);
    expect(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))).toEqual(big);
  });

  it("turns a picked File into an OutgoingFile", async () => {
    const f = await toOutgoingFile(new File(["hello"], "note.txt", { type: "text/plain" }));
    expect(f).toEqual({ name: "note.txt", contentType: "text/plain", dataBase64: "aGVsbG8=" });
    const unknown = await toOutgoingFile(new File([new Uint8Array([1, 2, 3])], "blob.bin"));
    expect(unknown.contentType).toBe("application/octet-stream");
    expect(decodedSize(unknown)).toBe(3);
  });

  it("refuses files that would pass the size limit and keeps the rest", async () => {
    const small = new File(["abc"], "a.txt", { type: "text/plain" });
    const huge = { name: "video.mp4", size: MAX_ATTACHMENT_BYTES, type: "video/mp4" } as File;
    const { files, refused } = await addFiles([], [small, huge]);
    expect(files.map((f) => f.name)).toEqual(["a.txt"]);
    expect(refused).toEqual(["video.mp4"]);
  });
});
