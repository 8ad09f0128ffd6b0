import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Endpoint, HttpError, ValidationError } from 'flash-ledger';
import { imagesDir, isImageName } from './volume_layout';

/** Lists and serves the images the GPU endpoint saved; it shares the volume, never calls that endpoint. */
export const imageApi = Endpoint.loadBalanced({
  name: '05_01_cpu_worker',
  cpu: 'cpu3c-1-2',
  workers: [1, 3],
  networkVolume: { name: 'flash-05-volume', size: 50 },
});

imageApi.get('/images', () => {
  const dir = imagesDir();
  const images = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith('.png'))
        .sort()
    : [];
  return { status: 'success', images };
});

imageApi.get('/images/{file_name}', ({ params }) => {
  const name = params.file_name ?? '';
  // only a bare name inside the images folder: nothing else on the volume (or the disk) can be read
  if (!isImageName(name))
    throw new ValidationError(
      `file_name must be a bare .png file name such as sd_generated_20260101_120000_a1b2c3.png`,
    );
  const path = join(imagesDir(), name);
  if (!existsSync(path)) throw new HttpError(404, 'file not found', 'FILE_NOT_FOUND');
  const bytes = readFileSync(path);
  return {
    status: 'success',
    filename: name,
    size_bytes: bytes.length,
    image_base64: bytes.toString('base64'),
  };
});
