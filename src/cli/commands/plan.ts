import type { CommandDefinition } from '../context.js';
import { collect, langOption, workdirOption } from './shared-options.js';
import type { PlanCommandOptions } from '../actions/plan.js';

/** `demystify plan [LESSON]`: the steps a run would perform, in order, without running anything. */
export const definePlan: CommandDefinition = (program, io, setExit) => {
  program
    .command('plan')
    .description('print the steps a run would perform, in order')
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson)')
    .option('--from <chapter>', 'first chapter (id or number)')
    .option('--to <chapter>', 'last chapter (id or number)')
    .addOption(langOption())
    .option('--set <name=value>', 'set a lesson option (repeatable)', collect)
    .option(
      '--pin <name=version>',
      "use VERSION for the lesson's versions.NAME: commands, expectations and artifacts follow (repeatable)",
      collect,
    )
    .addOption(workdirOption('work directory the plan is resolved for'))
    .option('--isolate', "plan an isolated run (${node.ip}: the namespace's address), as the lesson may ask")
    .option('--no-isolate', 'plan a run without isolation (${node.ip}: 127.0.0.1), whatever the lesson says')
    .option('--address <ip>', 'node address an isolated run would be given (run --address)')
    .option('--json', 'print the plan as JSON (schema: docs/plan-schema.md)')
    .action(async (lesson: string | undefined, opts: PlanCommandOptions) => {
      const { runPlan } = await import('../actions/plan.js');
      setExit(await runPlan(lesson, opts, io));
    });
};
