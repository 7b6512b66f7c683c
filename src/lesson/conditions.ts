import type { ArtifactSpec, ImageSpec, LessonOption, OptionCondition } from './model.js';
import { own } from './own.js';

/**
 * `OPTION=VALUE` conditions: a step's `when=` attribute, and the `when:` of an artifact or image in the
 * front matter, where a list means "any of these". Pure.
 */

/** Parse `OPTION=VALUE`; undefined when it is not of that form. */
export function parseCondition(text: string): OptionCondition | undefined {
  const m = /^([A-Za-z0-9_-]+)=(\S+)$/.exec(text.trim());
  return m ? { option: m[1] ?? '', value: m[2] ?? '' } : undefined;
}

/** A step's `when=` attribute: `OPTION=VALUE`, or `OPTION=A|B` for any of several values. */
export function parseWhenAttribute(text: string): OptionCondition[] | undefined {
  const m = /^([A-Za-z0-9_-]+)=([^\s|]+(?:\|[^\s|]+)*)$/.exec(text.trim());
  return m ? (m[2] ?? '').split('|').map((value) => ({ option: m[1] ?? '', value })) : undefined;
}

/** Why a condition can never be checked (an option or value the lesson does not declare), or undefined. */
export function conditionProblem(
  options: Record<string, LessonOption>,
  condition: OptionCondition,
): string | undefined {
  const option = own(options, condition.option);
  if (!option) {
    const known = Object.keys(options);
    return `no lesson option '${condition.option}' (${known.length ? `options: ${known.join(', ')}` : 'the front matter declares none'})`;
  }
  if (!option.values.includes(condition.value))
    return `option '${condition.option}' has no value '${condition.value}' (values: ${option.values.join(', ')})`;
  return undefined;
}

/**
 * Whether a `when` holds for the option values in force: no condition always holds, one holds when the
 * option has that value, a list holds when any of its conditions does.
 */
export function whenHolds(
  when: OptionCondition | readonly OptionCondition[] | undefined,
  options: Record<string, string>,
): boolean {
  if (when === undefined) return true;
  const any = Array.isArray(when) ? (when as readonly OptionCondition[]) : [when as OptionCondition];
  return any.some((c) => own(options, c.option) === c.value);
}

/** The text of a `when`, as the lesson writes it: `network=calico, ingress=helm`. */
export function formatWhen(when: readonly OptionCondition[]): string {
  return when.map((c) => `${c.option}=${c.value}`).join(', ');
}

/** The artifacts a lesson needs with these option values (its `when` holds), in the lesson's order. */
export function neededArtifacts(
  lesson: { artifacts: ArtifactSpec[] },
  options: Record<string, string>,
): ArtifactSpec[] {
  return lesson.artifacts.filter((artifact) => whenHolds(artifact.when, options));
}

/** The images a lesson needs with these option values (its `when` holds), in the lesson's order. */
export function neededImages(lesson: { images: ImageSpec[] }, options: Record<string, string>): ImageSpec[] {
  return lesson.images.filter((image) => whenHolds(image.when, options));
}
