import type { CommandDefinition } from '../context.js';
import { defineAttach } from './attach.js';
import { defineBundle } from './bundle.js';
import { defineCleanup } from './cleanup.js';
import { defineDoctor } from './doctor.js';
import { defineExec } from './exec.js';
import { defineFetch } from './fetch.js';
import { defineKubeconfig } from './kubeconfig.js';
import { defineLearn } from './learn.js';
import { defineLint } from './lint.js';
import { defineLogs } from './logs.js';
import { definePki } from './pki.js';
import { definePlan } from './plan.js';
import { definePresent } from './present.js';
import { defineRehearse } from './rehearse.js';
import { defineReplay } from './replay.js';
import { defineRun } from './run.js';
import { defineSpeaker } from './speaker.js';
import { defineStatus } from './status.js';

/** Every subcommand, in the order `--help` lists them. Each module is light: it loads its work lazily. */
export const commandDefinitions: CommandDefinition[] = [
  definePresent,
  defineSpeaker,
  defineLearn,
  defineLint,
  definePlan,
  defineDoctor,
  defineFetch,
  defineBundle,
  definePki,
  defineKubeconfig,
  defineRun,
  defineRehearse,
  defineStatus,
  defineAttach,
  defineLogs,
  defineReplay,
  defineCleanup,
  defineExec,
];
