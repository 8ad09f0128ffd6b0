import { podmanRunArgs } from '../../image/podman-args';

const limits = (openFiles: string, processes: string): string =>
  [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    `Max processes             ${processes.padEnd(20)} ${processes.padEnd(20)} processes `,
    `Max open files            ${openFiles.padEnd(20)} ${openFiles.padEnd(20)} files     `,
  ].join('\n');

describe("podman's run flags", () => {
  it('ask for no more open files and processes than this process may have', () => {
    expect(podmanRunArgs(() => limits('20000', '8192'))).toEqual([
      '--ulimit',
      'nofile=20000:20000',
      '--ulimit',
      'nproc=8192:8192',
    ]);
  });

  it('ask for at most 65536 open files and 16384 processes on a generous host', () => {
    expect(podmanRunArgs(() => limits('1048576', 'unlimited'))).toEqual([
      '--ulimit',
      'nofile=65536:65536',
      '--ulimit',
      'nproc=16384:16384',
    ]);
  });

  it('ask for modest limits where the host does not say', () => {
    expect(
      podmanRunArgs(() => {
        throw new Error('ENOENT');
      }),
    ).toEqual(['--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096']);
  });
});
