import { buildBase, buildImage, type DebianBaseInput, type WorkerImageInput } from '../../ledger/image';
import { printJson } from '../output/print';
import { progressOn } from '../output/progress';

interface JsonOption {
  json?: boolean;
}

const megabytes = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** `flash image build`: the worker image, built with docker or podman, and pushed with `--push`. */
export async function imageBuild(options: WorkerImageInput & JsonOption): Promise<void> {
  const started = Date.now();
  const { json, ...input } = options;
  const image = await buildImage(input, progressOn(json));
  if (json) return printJson({ ok: true, ...image, durationMs: Date.now() - started });
  console.log(`built ${image.tag} (${image.engine}, on ${image.base}) in ${seconds(started)}`);
  console.log(`id    ${image.imageId}\nsize  ${megabytes(image.sizeBytes)}`);
  if (image.pushed) console.log(`pushed ${image.tag}: set FLASH_WORKER_IMAGE=${image.tag} to deploy with it`);
}

/** `flash image base`: a Node base image from Debian packages (mmdebstrap), for hosts without a registry. */
export async function imageBase(options: DebianBaseInput & JsonOption): Promise<void> {
  const started = Date.now();
  const { json, ...input } = options;
  const base = await buildBase(input, progressOn(json));
  if (json) return printJson({ ok: true, ...base, durationMs: Date.now() - started });
  const how = base.imported
    ? base.bootstrapped
      ? 'built'
      : 'imported from the cached tarball'
    : 'already there';
  console.log(`${base.tag}: ${how} (${seconds(started)})`);
  console.log(`id    ${base.imageId}\nuse   flash image build --base ${base.tag}`);
}
