import type { Command } from 'commander';
import type { CommandDefinition } from '../context.js';
import { collect, langOption, workdirOption } from './shared-options.js';
import type { BundleCreateOptions, BundleLoadOptions, BundleImagesOptions } from '../actions/bundle.js';

/** `demystify bundle create|load|images`: an offline bundle of a lesson's binaries and images. */
export const defineBundle: CommandDefinition = (program, io, setExit) => {
  const bundle = program
    .command('bundle')
    .description('pack or load an offline bundle of binaries and images');
  bundle
    .command('create')
    .description("pack the lesson's binaries and images (OCI archives) into FILE")
    .argument('<file>', 'bundle to write (.tar, or .tar.gz to compress)')
    .argument('[lesson]', 'a lesson file or id (default: the built-in lesson)')
    .option('--arch <arch>', 'target architecture, amd64 or arm64 (default: this machine)')
    .option('--mirror <url>', 'rewrite the origin of every URL (default: $DEMYSTIFY_MIRROR)')
    .option('--cache <dir>', 'download cache (default: $XDG_CACHE_HOME/demystify)')
    .option(
      '--set <name=value>',
      "a lesson option, choosing the artifacts and images whose when: holds (repeatable; default: the lesson's)",
      collect,
    )
    .option(
      '--pin <name=version>',
      'another version for a versions: name (every artifact that uses it) or one artifact (repeatable)',
      collect,
    )
    .option('--address <socket>', 'containerd to export images that have no url from')
    .addOption(langOption())
    .action(
      async (file: string, lesson: string | undefined, _opts: BundleCreateOptions, command: Command) => {
        const { runBundleCreate } = await import('../actions/bundle.js');
        setExit(await runBundleCreate(file, lesson, command.optsWithGlobals<BundleCreateOptions>(), io));
      },
    );
  bundle
    .command('load')
    .description('fill the cache and bin/ from FILE, offline; import its images if containerd runs')
    .argument('<file>', 'bundle made by bundle create')
    .option('--cache <dir>', 'download cache (default: $XDG_CACHE_HOME/demystify)')
    .addOption(
      workdirOption("work directory whose bin/ receives the binaries (default: the bundle's lesson's)"),
    )
    .option(
      '--address <socket>',
      "containerd socket to import images into (default: the lesson's, else /run/containerd/containerd.sock)",
    )
    .option('--snapshotter <name>', "containerd snapshotter to unpack images for (default: containerd's)")
    .option('--no-images', 'do not import images, even if containerd runs')
    .action(async (file: string, _opts: BundleLoadOptions, command: Command) => {
      const { runBundleLoad } = await import('../actions/bundle.js');
      setExit(await runBundleLoad(file, command.optsWithGlobals<BundleLoadOptions>(), io));
    });
  bundle
    .command('images')
    .description("import the lesson's images into containerd's k8s.io namespace (a lesson step runs this)")
    .argument('[lesson]', "a lesson file or id (default: the --workdir run's lesson, else the built-in one)")
    .option(
      '--address <socket>',
      "containerd socket (default: the lesson's, else /run/containerd/containerd.sock)",
    )
    .option('--arch <arch>', 'architecture of the images (default: this machine)')
    .option('--cache <dir>', 'download cache (default: $XDG_CACHE_HOME/demystify)')
    .option('--mirror <url>', 'rewrite the origin of image URLs (default: $DEMYSTIFY_MIRROR)')
    .addOption(
      workdirOption('work directory (its bin/ctr is used when present; its run chooses the options)'),
    )
    .option(
      '--set <name=value>',
      "a lesson option, choosing the images whose when: holds (repeatable; default: the work directory's run, else the lesson's)",
      collect,
    )
    .option('--snapshotter <name>', "containerd snapshotter to unpack images for (default: containerd's)")
    .addOption(langOption())
    .action(async (lesson: string | undefined, _opts: BundleImagesOptions, command: Command) => {
      const { runBundleImages } = await import('../actions/bundle.js');
      setExit(await runBundleImages(lesson, command.optsWithGlobals<BundleImagesOptions>(), io));
    });
};
