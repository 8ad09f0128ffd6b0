import { volumePath } from 'flash-ledger';
import { join } from 'node:path';

/** Where the generated PNGs live on the shared volume (both endpoints mount the same one). */
export const imagesDir = (): string => join(volumePath(), 'generated_images');

/** Where the generator's "model" is cached on the volume, like model weights would be. */
export const modelsDir = (): string => join(volumePath(), 'models');

/** A bare PNG file name: no folders, no `..`. */
export const isImageName = (name: string): boolean => /^[\w.-]+\.png$/.test(name) && !name.includes('..');
