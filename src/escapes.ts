/**
 * Terminal escape sequences removed from text, pure: the frames of the presenter (ui) and the logs of
 * the shells (adapters) both need it, so it lives below both layers.
 */

/**
 * Remove every escape sequence: OSC (ending in BEL or ST, or cut off by the end of a log chunk), CSI,
 * charset selection (`ESC ( B`, whose third character is part of the sequence), then any other
 * two-character escape (keypad modes, save/restore cursor).
 */
export function stripAnsi(text: string): string {
  return text
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g, '')
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[()#][0-9A-Za-z]/g, '')
    .replace(/\x1b./g, '');
}
