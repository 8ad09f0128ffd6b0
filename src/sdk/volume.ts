/**
 * Where this worker's network volume is mounted: `/runpod-volume` on RunPod; on the local cloud, the
 * volume's folder (`FLASH_VOLUME_PATH`). Files written here are seen by every endpoint on the volume.
 */
export function volumePath(): string {
  return process.env.FLASH_VOLUME_PATH || '/runpod-volume';
}
