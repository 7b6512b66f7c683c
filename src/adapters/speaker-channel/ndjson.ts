/** A line longer than this is no message of the speaker channel: the connection is dropped. */
const MAX_LINE = 1 << 20;

/**
 * Cut a stream of text chunks into lines (newline-delimited JSON). Returns the function to feed chunks
 * to; it returns false once a line grew past MAX_LINE without an end, after which the stream is bad.
 */
export function splitLines(onLine: (line: string) => void): (chunk: string) => boolean {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    let end = pending.indexOf('\n');
    while (end !== -1) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      if (line.trim()) onLine(line);
      end = pending.indexOf('\n');
    }
    return pending.length <= MAX_LINE;
  };
}
