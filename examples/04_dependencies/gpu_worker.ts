import { execFile } from 'node:child_process';
import { Endpoint, z } from 'flash-ledger';

/** The first line of `ffmpeg -version`, or "not installed" when the binary is missing, fails or hangs. */
function ffmpegVersion(): Promise<string> {
  return new Promise((resolve) => {
    execFile('ffmpeg', ['-version'], { timeout: 5000 }, (error, stdout) => {
      const first = String(stdout).split('\n')[0]?.trim() ?? '';
      resolve(error || first === '' ? 'not installed' : first);
    });
  });
}

/**
 * An endpoint that asks for an OS package (`systemDependencies`). RunPod images would carry it; the local
 * cloud only records the request, so the answer says whether ffmpeg is there instead of failing without it.
 */
export const processWithSystemDeps = Endpoint.queue(
  {
    name: '01_04_deps_system',
    gpu: 'AMPERE_16',
    workers: [0, 2],
    idleTimeout: 5,
    systemDependencies: ['ffmpeg'],
    // any request works; `probe` is optional but must be a boolean
    input: z.object({ probe: z.boolean().optional() }),
  },
  async () => {
    const ffmpeg = await ffmpegVersion();
    const installed = ffmpeg !== 'not installed';
    return {
      status: 'success',
      message: installed ? 'System dependencies available' : 'System dependency ffmpeg is not installed here',
      system_dependencies: { ffmpeg: installed },
      ffmpeg_version: ffmpeg,
      timestamp: new Date().toISOString(),
    };
  },
);
