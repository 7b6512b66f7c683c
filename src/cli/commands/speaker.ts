import type { CommandDefinition } from '../context.js';
import { workdirOption } from './shared-options.js';
import type { SpeakerCommandOptions } from '../actions/speaker.js';

/** `demystify speaker [LESSON]`: the speaker view, following the presenter of the same work directory. */
export const defineSpeaker: CommandDefinition = (program, io, setExit) => {
  program
    .command('speaker')
    .description('the speaker view: follow the presenter (notes, next command, time against budget)')
    .argument('[lesson]', 'a lesson file or id, to find its default work directory')
    .addOption(workdirOption())
    .action(async (lesson: string | undefined, opts: SpeakerCommandOptions) => {
      const { runSpeaker } = await import('../actions/speaker.js');
      setExit(await runSpeaker(lesson, opts, io));
    });
};
