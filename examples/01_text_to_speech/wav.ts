/** What a WAV file's chunks say about its audio. */
export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  byteRate: number;
  dataBytes: number;
  durationS: number;
}

/** Walks the RIFF chunks (so extra chunks do not matter); undefined when it is not a PCM WAV with data. */
export function readWav(wav: Uint8Array): WavInfo | undefined {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const tag = (at: number): string => String.fromCharCode(...wav.subarray(at, at + 4));
  if (wav.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return undefined;
  let fmt: Omit<WavInfo, 'dataBytes' | 'durationS'> | undefined;
  for (let at = 12; at + 8 <= wav.byteLength;) {
    const size = view.getUint32(at + 4, true);
    if (tag(at) === 'fmt ' && size >= 16) {
      fmt = {
        channels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        byteRate: view.getUint32(at + 16, true),
        bitsPerSample: view.getUint16(at + 22, true),
      };
    } else if (tag(at) === 'data' && fmt) {
      const dataBytes = Math.min(size, wav.byteLength - at - 8);
      return { ...fmt, dataBytes, durationS: Math.round((dataBytes / fmt.byteRate) * 1000) / 1000 };
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}
