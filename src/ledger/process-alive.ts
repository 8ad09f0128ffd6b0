/**
 * Whether a process with this id runs on this machine: signal 0 checks without touching it. One this
 * user may not signal (EPERM) runs too.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
