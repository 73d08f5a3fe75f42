// Composer attachments: a picked File becomes an OutgoingFile (base64 over IPC). Gmail refuses
// messages over 25 MB and base64 grows data by a third, so the composer stops well before.

import type { OutgoingFile } from "../bindings";

/** Raw bytes allowed across all attachments of one reply (Gmail's 25 MB minus base64 growth). */
export const MAX_ATTACHMENT_BYTES = 18 * 1024 * 1024;

/** Standard base64 of raw bytes, in chunks so large files do not overflow the call stack. */
export function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(bin);
}

export async function toOutgoingFile(file: File): Promise<OutgoingFile> {
  const buf = new Uint8Array(await file.arrayBuffer());
  return {
    name: file.name,
    contentType: file.type || "application/octet-stream",
    dataBase64: bytesToBase64(buf),
  };
}

/** Raw size of an already-encoded file, for the running total. */
export function decodedSize(f: OutgoingFile): number {
  const pad = f.dataBase64.endsWith("==") ? 2 : f.dataBase64.endsWith("=") ? 1 : 0;
  return (f.dataBase64.length / 4) * 3 - pad;
}

/** Adds picked files to the list, refusing the ones that would pass the limit. */
export async function addFiles(
  current: OutgoingFile[],
  picked: File[],
): Promise<{ files: OutgoingFile[]; refused: string[] }> {
  let total = current.reduce((n, f) => n + decodedSize(f), 0);
  const files = [...current];
  const refused: string[] = [];
  for (const file of picked) {
    if (total + file.size > MAX_ATTACHMENT_BYTES) {
      refused.push(file.name);
      continue;
    }
    files.push(await toOutgoingFile(file));
    total += file.size;
  }
  return { files, refused };
}
