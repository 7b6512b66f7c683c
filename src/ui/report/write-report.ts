import { join } from 'node:path';
import { writeFileSafely } from '../../adapters/files/write-file-safely.js';
import { htmlReport } from './html-report.js';
import { markdownReport } from './markdown-report.js';
import type { RehearsalReport } from './report-model.js';

/** The files of a written report. */
export interface ReportFiles {
  markdown: string;
  html: string;
  json: string;
}

/**
 * Write a rehearsal report into a folder (created if needed): `report.md`, `report.html` (self-contained)
 * and `report.json` (the same data, for tools). Each file is written atomically.
 */
export async function writeRehearsalReport(dir: string, report: RehearsalReport): Promise<ReportFiles> {
  const files = {
    markdown: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
    json: join(dir, 'report.json'),
  };
  const options = { mode: 0o644, parents: true };
  await writeFileSafely(files.markdown, markdownReport(report), options);
  await writeFileSafely(files.html, htmlReport(report), options);
  await writeFileSafely(files.json, `${JSON.stringify(report, null, 2)}\n`, options);
  return files;
}
