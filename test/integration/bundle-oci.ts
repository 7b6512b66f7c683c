// Test helper: a tiny, real OCI image archive built from busybox-static, digests computed here.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { c as createTar } from 'tar';

function digestOf(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * An OCI image layout, as one tar, holding a single-layer image: /bin/busybox and /bin/sh -> busybox.
 * Its index names the image only by tag (`org.opencontainers.image.ref.name: <tag>`), as skopeo and
 * buildah do, so the importer must put the repository in front.
 */
export async function buildBusyboxOci(options: {
  tag: string;
  arch: string;
  busybox?: string;
  /** Extra files of the image (path inside the image → content). */
  files?: Record<string, string>;
  /** The image's command (default `/bin/sh`). */
  cmd?: string[];
}): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'dm-oci-'));
  try {
    const rootfs = join(dir, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await copyFile(options.busybox ?? '/bin/busybox', join(rootfs, 'bin', 'busybox'));
    await symlink('busybox', join(rootfs, 'bin', 'sh'));
    for (const [path, content] of Object.entries(options.files ?? {})) {
      await mkdir(join(rootfs, dirname(path)), { recursive: true });
      await writeFile(join(rootfs, path), content);
    }
    const layerFile = join(dir, 'layer.tar');
    const top = [
      ...new Set(['bin', ...Object.keys(options.files ?? {}).map((p) => p.split('/').filter(Boolean)[0]!)]),
    ];
    await createTar({ file: layerFile, cwd: rootfs, portable: true, noMtime: true }, top);
    const layer = await readFile(layerFile);
    const config = Buffer.from(
      JSON.stringify({
        architecture: options.arch,
        os: 'linux',
        config: { Cmd: options.cmd ?? ['/bin/sh'] },
        rootfs: { type: 'layers', diff_ids: [digestOf(layer)] },
        history: [{ created_by: 'demystify test: busybox-static' }],
      }),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: digestOf(config),
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: digestOf(layer),
            size: layer.length,
          },
        ],
      }),
    );
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: digestOf(manifest),
          size: manifest.length,
          platform: { architecture: options.arch, os: 'linux' },
          annotations: { 'org.opencontainers.image.ref.name': options.tag },
        },
      ],
    };
    const layout = join(dir, 'layout');
    await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
    for (const blob of [layer, config, manifest]) {
      await writeFile(join(layout, 'blobs', 'sha256', digestOf(blob).slice('sha256:'.length)), blob);
    }
    await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(join(layout, 'index.json'), JSON.stringify(index));
    const out = join(dir, 'image.tar');
    await createTar({ file: out, cwd: layout, portable: true }, ['oci-layout', 'index.json', 'blobs']);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
