/**
 * Lookups keyed by lesson text (a template's name, a step's `session=`, an option, a version, a program a
 * step runs) read a map's own entries only: `${vars.constructor}` or `session=toString` must find nothing,
 * never a function inherited from `Object.prototype`. Maps built from lesson text are filled with
 * `Object.fromEntries` or plain assignment of own keys, so `__proto__` is a key like any other there.
 */

/** The value `map` holds under `key` itself, or undefined. */
export function own<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** Whether `map` holds `key` itself (not through its prototype). */
export function hasOwnKey(map: object, key: string): boolean {
  return Object.hasOwn(map, key);
}

/** Set `map[key]` as an own property, even for `__proto__` (which plain assignment would not create). */
export function setOwn<T>(map: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}
