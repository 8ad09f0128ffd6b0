import type { Command } from 'commander';

/** `flash image`: the worker image endpoints run, built here with docker or podman. */
export function addImageCommands(program: Command): void {
  const image = program
    .command('image')
    .description('the worker image every endpoint runs (docker or podman; FLASH_CONTAINER_ENGINE picks one)');
  image
    .command('build')
    .description('build the worker image from this package, reproducibly; --push sends it to its registry')
    .option('--tag <image>', 'the image tag (default localhost/flash-ledger-worker:<version>)')
    .option('--base <image>', 'an image with node 20+ (default docker.io/library/node:20-bookworm-slim)')
    .option('--platform <os/arch>', "build for this platform (RunPod runs linux/amd64; default the engine's)")
    .option('--push', "push the image to its tag's registry after building it")
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('../commands/image.command')).imageBuild(options));
  image
    .command('base')
    .description(
      'build a Node base image from Debian packages alone, no registry needed (needs mmdebstrap; cached in FLASH_IMAGE_CACHE)',
    )
    .option('--tag <image>', 'the image tag (default localhost/flash-base:trixie-node20)')
    .option('--suite <suite>', 'the Debian suite; it must carry nodejs 20+ (default trixie)')
    .option('--json', 'print the result as JSON')
    .action(async (options) => (await import('../commands/image.command')).imageBase(options));
}
