/** At most 100 characters (code points), with "..." when cut, as the original's `text[:100] + "..."`. */
export function preview(text: string): string {
  const chars = [...text];
  return chars.length > 100 ? `${chars.slice(0, 100).join('')}...` : text;
}
